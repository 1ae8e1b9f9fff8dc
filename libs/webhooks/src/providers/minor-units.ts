/**
 * A whole number of minor units (decimal digits) as a decimal JSON number literal with
 * `exponent` fraction digits: ("2500", 2) → "25.00", ("5", 3) → "0.005", ("500", 0) → "500".
 * Pure digit shifting, never through a float; the native validation then checks the result
 * against the currency's ISO minor units and the 15-significant-digit limit.
 */
export function minorUnitsToDecimal(digits: string, exponent: number): string {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError('minor units must be decimal digits');
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 4) throw new RangeError('exponent must be 0..4');
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}
