import { currencyDigits, formatAmount, parseJsonKeepingAmounts, showMoney } from '../../apps/console/src/money';

describe("the console's amounts", () => {
  it('keeps a JSON number amount as its source text, never through a double', () => {
    const parsed = parseJsonKeepingAmounts('{"amount":123456789012345.6,"items":[{"amount":0.10}],"attempts":2}');
    // Node 20 has no reviver source text; Chromium does. Either way the text is exact for 15 digits.
    expect(parsed).toEqual({ amount: '123456789012345.6', items: [{ amount: expect.stringMatching(/^0\.10?$/) }], attempts: 2 });
  });

  it('leaves string amounts (balances, ledger legs, the stream) as they are', () => {
    expect(parseJsonKeepingAmounts('{"amount":"-2500.00"}')).toEqual({ amount: '-2500.00' });
  });

  it.each([
    ['2500', 2, '2500.00'],
    ['25.5', 2, '25.50'],
    ['-7.1', 2, '-7.10'],
    ['1500', 0, '1500'],
    ['12.345', 3, '12.345'],
    ['0.125', 2, '0.125'],
    ['1e21', 2, '1e21'],
  ])('pads %s to %i minor-unit digits by text alone: %s', (amount, digits, shown) => {
    expect(formatAmount(amount, digits)).toBe(shown);
  });

  it("takes the currency's minor units from ISO 4217 data", () => {
    expect([currencyDigits('INR'), currencyDigits('JPY'), currencyDigits('KWD')]).toEqual([2, 0, 3]);
    expect(showMoney('12.3', 'KWD')).toBe('12.300 KWD');
  });
});
