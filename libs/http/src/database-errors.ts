/**
 * SQLSTATEs and socket errors that mean "PostgreSQL cannot take this now", not "the query is
 * wrong": intake answers 503 with Retry-After and the worker defers without counting an attempt.
 * - 08xxx: connection exceptions
 * - 25006: read-only transaction (a failover to a standby, a provider's read-only mode on a full disk)
 * - 53xxx: insufficient resources (disk full, out of memory, too many connections)
 * - 57014: statement cancelled (statement timeout, pg_cancel_backend)
 * - 57P01–57P03: admin or crash shutdown, server starting up
 * - 40001, 40P01: serialization failure and deadlock; the same statement succeeds when retried
 * 57P04 (database dropped) is not here: no retry brings it back.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '25006',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '40001',
  '40P01',
]);
const UNAVAILABLE_CLASSES = ['08', '53'];
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error',
  'connect ECONNREFUSED',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.some((c) => code.startsWith(c)))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
