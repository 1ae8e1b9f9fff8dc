import { type ValidationOptions, ValidateBy } from 'class-validator';

const MAX_BIGINT = 9223372036854775807n;

/**
 * Where a listing page ends: the last row's created_at, in microseconds since the epoch (the
 * column's own precision, so no row is skipped or repeated), and its id, which breaks ties.
 */
export interface ListPosition {
  createdAtMicros: string;
  id: string;
}

/** Opaque to clients: the base64url of `<created_at µs>.<id>`. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.createdAtMicros}.${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when it is not one this API handed out. */
export function decodeCursor(cursor: unknown): ListPosition | null {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const match = /^(-?[1-9][0-9]{0,18}|0)\.([1-9][0-9]{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return null;
  const [, createdAtMicros, id] = match;
  if (BigInt(id) > MAX_BIGINT || BigInt(createdAtMicros) > MAX_BIGINT || BigInt(createdAtMicros) < -MAX_BIGINT) return null;
  return encodeCursor({ createdAtMicros, id }) === cursor ? { createdAtMicros, id } : null;
}

export function IsTransactionCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isTransactionCursor', validator: { validate: (value) => decodeCursor(value) !== null } }, options);
}
