import { currencyMinorUnits } from '@app/money';
import { minorUnitsToDecimal } from './minor-units';

/**
 * Minor units → decimal by ISO 4217 (Razorpay's and Paystack's "subunits"). An unknown currency
 * gets two decimals here only so the native validation can name the currency as the fault.
 */
export function isoMinorUnitsToDecimal(digits: string, currency: string): string {
  return minorUnitsToDecimal(digits, currencyMinorUnits(currency) ?? 2);
}
