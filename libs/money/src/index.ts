export { ISO_4217_MINOR_UNITS, currencyMinorUnits } from './currencies';
export { findTopLevelNumberLiteral } from './json-number-literal';
export { MAX_SIGNIFICANT_DIGITS, normalizeAmount } from './amount';
export type { NormalizeAmountResult } from './amount';
