// Exact validation and canonicalisation of money amounts from JSON number literals.
// Works on digit positions only: no Number/parseFloat, and nothing proportional to an exponent
// is ever built, so "1e400" or "1e-999999999" cost the same as "1".

export type NormalizeAmountResult = { ok: true; value: string } | { ok: false; reason: string };

export const MAX_SIGNIFICANT_DIGITS = 15;
// Exponents beyond this are clamped: any such value already fails the digit/decimal limits.
const EXPONENT_CLAMP = 1e15;
// ISO minor units are 0..4; the cap keeps output length bounded even for a bad argument.
const MAX_MINOR_UNITS = 18;

interface ParsedLiteral {
  negative: boolean;
  intStart: number;
  intEnd: number;
  fracStart: number;
  fracEnd: number;
  exponent: number;
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

/** Strict JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function parseJsonNumber(s: string): ParsedLiteral | undefined {
  let i = 0;
  const negative = s[i] === '-';
  if (negative) i++;
  const intStart = i;
  if (s[i] === '0') i++;
  else while (isDigitAt(s, i)) i++;
  const intEnd = i;
  if (intEnd === intStart) return undefined;

  let fracStart = i;
  let fracEnd = i;
  if (s[i] === '.') {
    fracStart = ++i;
    while (isDigitAt(s, i)) i++;
    fracEnd = i;
    if (fracEnd === fracStart) return undefined;
  }

  let exponent = 0;
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    const expNegative = s[i] === '-';
    if (s[i] === '-' || s[i] === '+') i++;
    const expStart = i;
    while (isDigitAt(s, i)) {
      // Accumulate digit by digit; clamp long before leaving the safe-integer range.
      if (exponent < EXPONENT_CLAMP) exponent = exponent * 10 + (s.charCodeAt(i) - 0x30);
      i++;
    }
    if (i === expStart) return undefined;
    exponent = Math.min(exponent, EXPONENT_CLAMP);
    if (expNegative) exponent = -exponent;
  }
  return i === s.length ? { negative, intStart, intEnd, fracStart, fracEnd, exponent } : undefined;
}

/**
 * Validates a JSON number literal as an amount in a currency with `minorUnits` decimals and
 * returns it as a fixed-point decimal string with exactly `minorUnits` fraction digits.
 */
export function normalizeAmount(literal: string, minorUnits: number): NormalizeAmountResult {
  if (!Number.isInteger(minorUnits) || minorUnits < 0 || minorUnits > MAX_MINOR_UNITS) {
    throw new RangeError(`minorUnits must be an integer in 0..${MAX_MINOR_UNITS}`);
  }
  const p = parseJsonNumber(literal);
  if (!p) return { ok: false, reason: 'must be a JSON number' };

  // View the mantissa digits as one virtual sequence D = intDigits ++ fracDigits,
  // indexed 0..len-1; the decimal point sits before index `point` (may be < 0 or > len).
  const intLen = p.intEnd - p.intStart;
  const len = intLen + (p.fracEnd - p.fracStart);
  const digitAt = (k: number): number =>
    k < 0 || k >= len ? 0 : literal.charCodeAt(k < intLen ? p.intStart + k : p.fracStart + (k - intLen)) - 0x30;
  const point = intLen + p.exponent;

  let first = -1;
  let last = -1;
  for (let k = 0; k < len; k++) {
    if (digitAt(k) !== 0) {
      if (first < 0) first = k;
      last = k;
    }
  }
  // Zero in any spelling (0, -0, 0.000, 0e5) and negatives are rejected alike.
  if (first < 0 || p.negative) return { ok: false, reason: 'must be greater than 0' };

  const decimals = Math.max(0, last + 1 - point);
  if (decimals > minorUnits) {
    return { ok: false, reason: `must have at most ${minorUnits} decimal places for this currency` };
  }
  // From the first non-zero digit to the units digit or the last non-zero decimal.
  const significant = Math.max(last, point - 1) - first + 1;
  if (significant > MAX_SIGNIFICANT_DIGITS) {
    return { ok: false, reason: `must have at most ${MAX_SIGNIFICANT_DIGITS} significant digits` };
  }

  // Both loops are now bounded by MAX_SIGNIFICANT_DIGITS and minorUnits.
  let integerPart = '';
  for (let k = first; k < point; k++) integerPart += String.fromCharCode(0x30 + digitAt(k));
  let fraction = '';
  for (let k = point; k < point + minorUnits; k++) fraction += String.fromCharCode(0x30 + digitAt(k));
  const value = (integerPart || '0') + (minorUnits > 0 ? `.${fraction}` : '');
  return { ok: true, value };
}
