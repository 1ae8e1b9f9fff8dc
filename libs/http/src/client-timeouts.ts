import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problemForStatus } from './problem';

/** A client must finish sending its request headers within this, counted from its first byte. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A client must finish sending its whole request (headers and body) within this. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * An idle kept-alive connection stays open this long. It must outlive the idle timeout of any
 * proxy that pools connections to us (AWS ALB: 60 s by default), or the proxy may reuse a socket
 * at the moment we close it and answer its client 502. Idle time does not count toward the
 * headers deadline: that clock starts at the next request's first byte.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;
/** Node checks the two deadlines above on a timer (30 s by default, which would double the 30 s bound). */
export const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/** What a socket-level error is answered with, when anything can still be written. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

function clientErrorDetail(status: number): string {
  if (status === 408) {
    return `The request was not received in time: headers are due within ${HEADERS_TIMEOUT_MS / 1000} s and the whole request within ${REQUEST_TIMEOUT_MS / 1000} s.`;
  }
  return status === 431 ? 'The request headers are too large.' : 'The request is not valid HTTP.';
}

/**
 * Node answers what never reached Express (slow or malformed requests) with a bare status line;
 * this writes the same statuses as problem documents, then closes the connection. A response that
 * had already started cannot be replaced: that socket is only closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean; statusCode: number } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(error.code);
  // The request log line of an abandoned request then shows why it ended.
  if (inFlight) inFlight.statusCode = status;
  const problem = problemForStatus(status, clientErrorDetail(status));
  const body = JSON.stringify(problem);
  const head = [
    `HTTP/1.1 ${status} ${problem.title}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/** Bounds slow clients (slowloris, a dripped body) and sets keep-alive for running behind a load balancer. Call before listen. */
export function applyClientTimeouts(server: Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Read when the server starts listening, hence "before listen".
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = DEADLINE_CHECK_INTERVAL_MS;
  server.on('clientError', answerClientError);
}
