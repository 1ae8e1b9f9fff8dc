/**
 * How many decimals Stripe's integer `amount` fields carry, per currency (docs.stripe.com/currencies).
 * Mostly ISO 4217, but not always: MGA is zero-decimal at Stripe (ISO says 2), and ISK stays a
 * two-decimal currency in Stripe's API although only whole krónur may be charged (ISO says 0),
 * so 500 means 5 ISK. HUF and TWD are two-decimal for charges (Stripe's zero-decimal rule for
 * them concerns payouts only). The native validation then rejects what the ISO currency cannot
 * hold, e.g. ISK 550 (5.50).
 */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Decimals in a Stripe amount of this (upper-case) currency. */
export function stripeAmountExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}
