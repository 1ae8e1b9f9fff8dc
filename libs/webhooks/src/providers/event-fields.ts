import { type FieldError, Problems } from '@app/http';

/**
 * Reads fields of a provider's event by dotted path, collecting what is missing or mistyped so
 * one 400 problem names every provider field at fault (`data.object.amount_received`, …).
 */
export class EventFields {
  private readonly errors: FieldError[] = [];

  constructor(private readonly event: Record<string, unknown>) {}

  /** The value at `path`, or undefined when any step is missing or not an object. */
  value(path: string): unknown {
    let current: unknown = this.event;
    for (const key of path.split('.')) {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  }

  /** A non-empty string (a number is accepted as its decimal text: Paystack's ids are numbers). */
  id(path: string): string {
    const value = this.value(path);
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    return this.fail(path, 'must be a non-empty string or a whole number', '');
  }

  /** A string id, or `fallback` when the field is absent, null or empty. */
  optionalId(path: string, fallback: string): string {
    const value = this.value(path);
    return value === undefined || value === null || value === '' ? fallback : this.id(path);
  }

  string(path: string): string {
    const value = this.value(path);
    return typeof value === 'string' ? value : this.fail(path, 'must be a string', '');
  }

  /**
   * A positive whole number of minor units, as its decimal digits. JSON numbers beyond 2^53 − 1
   * were already rounded by JSON.parse, so they are refused rather than guessed; digit strings
   * (Paystack sends some amounts as "5000") are exact at any length.
   */
  minorUnits(path: string): string {
    const value = this.value(path);
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
    if (typeof value === 'string' && /^[1-9][0-9]{0,30}$/.test(value)) return value;
    return this.fail(path, 'must be a positive whole number of minor units', '1');
  }

  fail<T>(field: string, message: string, placeholder: T): T {
    this.errors.push({ field, message });
    return placeholder;
  }

  /** Throws the 400 problem when anything read so far was at fault. */
  check(): void {
    if (this.errors.length > 0) throw Problems.validation(this.errors, 'The event does not carry what this provider route needs.');
  }
}
