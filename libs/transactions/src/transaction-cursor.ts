import { ValidationOptions, ValidateBy } from 'class-validator';

const MAX_BIGINT = 9223372036854775807n;

/** Opaque to clients: the base64url of the last id of a page. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id a cursor stands for, or null when it is not one this API handed out. */
export function decodeCursor(cursor: unknown): string | null {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,28}$/.test(cursor)) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,18}$/.test(id) || BigInt(id) > MAX_BIGINT) return null;
  return encodeCursor(id) === cursor ? id : null;
}

export function IsTransactionCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isTransactionCursor', validator: { validate: (value) => decodeCursor(value) !== null } }, options);
}
