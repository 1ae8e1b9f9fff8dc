import { normalizeAmount } from './amount';

const ok = (value: string) => ({ ok: true, value });
const POSITIVE = 'must be greater than 0';
const decimals = (n: number) => `must have at most ${n} decimal places for this currency`;
const SIGNIFICANT = 'must have at most 15 significant digits';
const rejected = (reason: string) => ({ ok: false, reason });

describe('normalizeAmount', () => {
  describe('canonical output', () => {
    it.each([
      ['2500', 2, '2500.00'],
      ['2500.00', 2, '2500.00'],
      ['0.10', 2, '0.10'],
      ['0.01', 2, '0.01'],
      ['1.5', 3, '1.500'],
      ['10.5', 2, '10.50'],
      ['2.5e3', 0, '2500'],
      ['2.5E+3', 2, '2500.00'],
      ['25e2', 0, '2500'],
      ['250000e-2', 0, '2500'],
      ['1e-2', 2, '0.01'],
      ['0.0001', 4, '0.0001'],
      ['1234.5678', 4, '1234.5678'],
      ['1e0', 0, '1'],
      ['7', 0, '7'],
      ['0.5e1', 0, '5'],
    ])('normalizes %s with %i minor units to %s', (literal, units, expected) => {
      expect(normalizeAmount(literal, units)).toEqual(ok(expected));
    });

    it('accepts trailing zeros beyond the minor units: 2500.000000 JPY is 2500', () => {
      expect(normalizeAmount('2500.000000', 0)).toEqual(ok('2500'));
    });

    it('accepts fraction digits cancelled by an exponent: 12.34e2 JPY is 1234', () => {
      expect(normalizeAmount('12.34e2', 0)).toEqual(ok('1234'));
    });
  });

  describe('sign', () => {
    it.each(['0', '-0', '0.000', '-0.0', '0e5', '0E-400', '-0e+3'])('rejects zero spelled %s', (literal) => {
      expect(normalizeAmount(literal, 2)).toEqual(rejected(POSITIVE));
    });

    it.each(['-1', '-0.01', '-2.5e3', '-1e400'])('rejects the negative amount %s', (literal) => {
      expect(normalizeAmount(literal, 2)).toEqual(rejected(POSITIVE));
    });
  });

  describe('decimal places', () => {
    it('rejects 10.001 INR: three decimals for a two-digit currency', () => {
      expect(normalizeAmount('10.001', 2)).toEqual(rejected(decimals(2)));
    });

    it('rejects 0.5 JPY: any fraction for a zero-digit currency', () => {
      expect(normalizeAmount('0.5', 0)).toEqual(rejected(decimals(0)));
    });

    it('accepts 10.001 KWD: three decimals for a three-digit currency', () => {
      expect(normalizeAmount('10.001', 3)).toEqual(ok('10.001'));
    });

    it('rejects 1e-3 INR: a negative exponent creating a third decimal', () => {
      expect(normalizeAmount('1e-3', 2)).toEqual(rejected(decimals(2)));
    });

    it('rejects 1e-400 quickly instead of expanding it', () => {
      expect(normalizeAmount('1e-400', 2)).toEqual(rejected(decimals(2)));
    });

    it('rejects an absurd negative exponent without hanging', () => {
      expect(normalizeAmount('1e-99999999999999999999999999', 2)).toEqual(rejected(decimals(2)));
    });
  });

  describe('significant digits', () => {
    it('accepts 123456789012345: exactly 15 significant digits', () => {
      expect(normalizeAmount('123456789012345', 0)).toEqual(ok('123456789012345'));
    });

    it('rejects 1234567890123456: 16 significant digits', () => {
      expect(normalizeAmount('1234567890123456', 0)).toEqual(rejected(SIGNIFICANT));
    });

    it('accepts 1234567890123.45 INR: 15 digits including the fraction', () => {
      expect(normalizeAmount('1234567890123.45', 2)).toEqual(ok('1234567890123.45'));
    });

    it('rejects 12345678901234.56 INR: 16 digits including the fraction', () => {
      expect(normalizeAmount('12345678901234.56', 2)).toEqual(rejected(SIGNIFICANT));
    });

    it('counts integer zeros: 1e14 has 15 digits and passes, 1e15 has 16 and fails', () => {
      expect(normalizeAmount('1e14', 0)).toEqual(ok('100000000000000'));
      expect(normalizeAmount('1e15', 0)).toEqual(rejected(SIGNIFICANT));
    });

    it('does not count leading zeros or trailing fractional zeros: 000 in 0.0100 INR', () => {
      expect(normalizeAmount('0.0100', 2)).toEqual(ok('0.01'));
    });

    it('rejects 1e400 (401 digits) quickly instead of expanding it', () => {
      expect(normalizeAmount('1e400', 2)).toEqual(rejected(SIGNIFICANT));
    });

    it('rejects an absurd positive exponent without hanging', () => {
      expect(normalizeAmount('9E+99999999999999999999999999', 2)).toEqual(rejected(SIGNIFICANT));
    });

    it('rejects digits a double would silently round: 12345678901234567890', () => {
      expect(normalizeAmount('12345678901234567890', 2)).toEqual(rejected(SIGNIFICANT));
    });

    it('handles a 100000-digit literal in linear time', () => {
      const started = Date.now();
      expect(normalizeAmount('1' + '0'.repeat(100_000), 2)).toEqual(rejected(SIGNIFICANT));
      expect(normalizeAmount('0.' + '0'.repeat(100_000) + '1', 2)).toEqual(rejected(decimals(2)));
      expect(normalizeAmount('1.' + '0'.repeat(100_000), 2)).toEqual(ok('1.00'));
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('input that is not a JSON number literal', () => {
    it.each(['', '-', '+1', '01', '1.', '.5', '1e', '1e+', '0x10', 'NaN', 'Infinity', ' 1', '1 ', '1,5', '1_000', '١'])(
      'rejects %p',
      (literal) => {
        expect(normalizeAmount(literal, 2)).toEqual(rejected('must be a JSON number'));
      },
    );
  });

  it('throws on an invalid minorUnits argument (a programming error, not bad input)', () => {
    expect(() => normalizeAmount('1', -1)).toThrow(RangeError);
    expect(() => normalizeAmount('1', 1.5)).toThrow(RangeError);
    expect(() => normalizeAmount('1', 1e9)).toThrow(RangeError);
    expect(() => normalizeAmount('1', Number.NaN)).toThrow(RangeError);
  });
});
