import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { redactUrl } from './redact-url';

/** Express' request; `id` (set by requestIdMiddleware) and `log` are declared on IncomingMessage by pino-http's typings, which nestjs-pino uses. */
type RequestWithId = IncomingMessage & { originalUrl?: string };

type HttpLogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * `res.locals` flag for a 5xx that is part of normal operation (a provider's refund that arrived
 * before its payment, answered 503 so the provider retries): logged at warn, not error.
 */
export const EXPECTED_RETRY = 'paycheckExpectedRetry';

/**
 * `res.locals` flag of a response that stays open until the client leaves (an event stream):
 * its end by the client is the normal end, logged at info, not as an aborted request.
 */
export const OPEN_ENDED_RESPONSE = 'paycheckOpenEndedResponse';

/** Probes and scrapes arrive every few seconds: worth a line only at debug, unless they fail. */
function isRoutinePoll(req: RequestWithId): boolean {
  const url = req.originalUrl ?? req.url ?? '';
  return req.method === 'GET' && (url === '/metrics' || url.startsWith('/health/'));
}

/** Response headers worth a log line; the security headers are the same on every response. */
const LOGGED_RESPONSE_HEADERS = ['location', 'idempotent-replayed', 'retry-after', 'content-length'];

/** Request headers worth a log line; credentials are kept only as a redaction marker. */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'webhook-id', 'webhook-timestamp'];
const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'webhook-signature',
  'stripe-signature',
  'x-razorpay-signature',
  'x-paystack-signature',
];

/** A handful of named headers instead of the whole set: cheaper per line, and nothing new leaks when a client sends more. */
function loggedRequestHeaders(headers: IncomingMessage['headers']): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const name of LOGGED_REQUEST_HEADERS) if (headers[name] !== undefined) logged[name] = headers[name];
  for (const name of CREDENTIAL_HEADERS) if (headers[name] !== undefined) logged[name] = '[Redacted]';
  return logged;
}

function loggedResponseHeaders(res: ServerResponse): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const name of LOGGED_RESPONSE_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) logged[name] = value;
  }
  return logged;
}

/** A client cut off for being too slow (the server's 408) is the client's problem, not ours. */
function timedOut(res: ServerResponse, aborted: boolean): boolean {
  return aborted && res.statusCode === 408;
}

export function httpLogLevel(req: RequestWithId, res: ServerResponse, error?: Error): HttpLogLevel {
  const expected = (res as ServerResponse & { locals?: Record<string, unknown> }).locals?.[EXPECTED_RETRY] === true;
  if (error || (res.statusCode >= 500 && !expected)) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return isRoutinePoll(req) ? 'debug' : 'info';
}

/**
 * One line per HTTP request, written when the response ends (or the client goes away first),
 * carrying the request id that requestIdMiddleware chose (the caller's X-Request-Id or a new
 * UUID). req.log is a child logger bound to that id: nestjs-pino (useExisting) binds every log
 * written while handling the request to it. Bodies are never logged: the line keeps id, method,
 * url (secret-looking query values as "[REDACTED]"), a few named headers (credentials only as
 * "[Redacted]") and the peer address.
 *
 * Hand-written rather than pino-http, which built two child loggers per request and serialized
 * the request up front even when the line was below LOG_LEVEL (5-6% of intake's CPU).
 */
export function createHttpLogger(root: Logger): (req: RequestWithId, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const started = Date.now();
    const id = (req.id ??= randomUUID());
    const log = root.child({ request_id: id });
    req.log = log;
    const write = (aborted: boolean) => {
      const cutOff = timedOut(res, aborted);
      const leftStream = aborted && (res as ServerResponse & { locals?: Record<string, unknown> }).locals?.[OPEN_ENDED_RESPONSE] === true;
      const error = aborted && !cutOff && !leftStream ? new Error('request aborted') : undefined;
      const level = httpLogLevel(req, res, error);
      if (!log.isLevelEnabled(level)) return;
      const url = redactUrl(req.originalUrl ?? req.url ?? '');
      const line = {
        req: { id, method: req.method, url, headers: loggedRequestHeaders(req.headers), remoteAddress: req.socket?.remoteAddress },
        res: { statusCode: res.statusCode, headers: loggedResponseHeaders(res) },
        ...(error && { err: error }),
        response_time_ms: Date.now() - started,
      };
      const msg = cutOff
        ? 'request timed out'
        : leftStream
          ? `${req.method} ${url} ${res.statusCode} (stream closed by the client)`
          : aborted
            ? 'request aborted'
            : `${req.method} ${url} ${res.statusCode}`;
      log[level](line, msg);
    };
    res.once('finish', () => write(false));
    res.once('close', () => {
      if (!res.writableFinished) write(true);
    });
    next();
  };
}
