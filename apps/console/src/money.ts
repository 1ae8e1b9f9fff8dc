/**
 * Amounts stay decimal text from the wire to the screen: never a float. Balances, ledger legs and
 * the stream carry decimal strings; a transaction's `amount` is a JSON number, so it is taken from
 * the JSON source text (JSON.parse's reviver context) rather than from the parsed double.
 */
export function parseJsonKeepingAmounts(text: string): unknown {
  return JSON.parse(text, (key: string, value: unknown, context?: { source?: string }) =>
    key === 'amount' && typeof value === 'number' ? (context?.source ?? String(value)) : value,
  );
}

/** The currency's minor-unit digits (INR 2, JPY 0, KWD 3), from the browser's own ISO 4217 data. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `2500` → `2500.00` for a 2-digit currency, by string padding only; anything else is shown as given. */
export function formatAmount(amount: string, digits: number): string {
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) return amount;
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  return fraction === '' ? match[1] : `${match[1]}.${fraction}`;
}

export function showMoney(amount: string, currency: string): string {
  return `${formatAmount(amount, currencyDigits(currency))} ${currency}`;
}
