import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';

/** Express' request: its id was set by requestIdMiddleware (pino-http declares the field). */
type RequestWithId = IncomingMessage & { originalUrl?: string };

/** Probes and scrapes arrive every few seconds: worth a line only at debug, unless they fail. */
function isRoutinePoll(req: RequestWithId): boolean {
  const url = req.originalUrl ?? req.url ?? '';
  return req.method === 'GET' && (url === '/metrics' || url.startsWith('/health/'));
}

/** Response headers worth a log line; the security headers are the same on every response. */
const LOGGED_RESPONSE_HEADERS = ['location', 'idempotent-replayed', 'retry-after', 'content-length'];

/** Request headers worth a log line; credentials are kept only as a redaction marker. */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'webhook-id', 'webhook-timestamp'];
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'webhook-signature'];

interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
}

interface SerializedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
}

/** A handful of named headers instead of the whole set: cheaper per line, and nothing new leaks when a client sends more. */
function loggedRequestHeaders(headers: Record<string, unknown> = {}): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const name of LOGGED_REQUEST_HEADERS) if (headers[name] !== undefined) logged[name] = headers[name];
  for (const name of CREDENTIAL_HEADERS) if (headers[name] !== undefined) logged[name] = '[Redacted]';
  return logged;
}

const requestSerializer = (req: SerializedRequest) => ({
  id: req.id,
  method: req.method,
  url: req.url,
  headers: loggedRequestHeaders(req.headers),
  remoteAddress: req.remoteAddress,
});

const responseSerializer = (res: SerializedResponse) => ({
  statusCode: res.statusCode,
  headers: Object.fromEntries(LOGGED_RESPONSE_HEADERS.filter((name) => res.headers?.[name] !== undefined).map((name) => [name, res.headers[name]])),
});

export function httpLogLevel(req: RequestWithId, res: ServerResponse, error?: Error): 'error' | 'warn' | 'info' | 'debug' {
  if (error || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return isRoutinePoll(req) ? 'debug' : 'info';
}

/**
 * One line per HTTP request, written when the response ends, carrying the request id that
 * requestIdMiddleware chose (the caller's X-Request-Id or a new UUID) rather than a second one.
 * Bodies are never logged: the request serializer keeps id, method, url, a few named headers
 * (credentials only as "[Redacted]") and the peer address.
 */
export function createHttpLogger(root: Logger): HttpLogger {
  return pinoHttp<RequestWithId>({
    logger: root,
    genReqId: (req: RequestWithId) => req.id ?? randomUUID(),
    // Logs written while handling a request carry just the id; the final line carries req/res.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'request_id', responseTime: 'response_time_ms' },
    serializers: { req: requestSerializer, res: responseSerializer },
    customLogLevel: httpLogLevel,
    customSuccessMessage: (req: RequestWithId, res) => `${req.method} ${req.originalUrl ?? req.url} ${res.statusCode}`,
    customErrorMessage: (req: RequestWithId, res) => `${req.method} ${req.originalUrl ?? req.url} ${res.statusCode}`,
  });
}
