import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The Content-Type values nearly every sender uses; any other spelling is left to body-parser. */
const PLAIN_JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
const DIGITS = /^\d{1,15}$/;
// JSON's own whitespace (RFC 8259), as body-parser's strict check skips it.
// eslint-disable-next-line no-control-regex
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

/** What body-parser passes to its error handler: the same `status` and `type`. */
export interface BodyError extends Error {
  status: number;
  type: string;
}

export function bodyError(status: number, type: string, message: string): BodyError {
  return Object.assign(new Error(message), { status, type });
}

/** The declared length of a body this reader takes, or undefined to leave the request to body-parser. */
function plainJsonLength(req: IncomingMessage, limitBytes: number): number | undefined {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return undefined;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON_TYPES.has(type.toLowerCase())) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !DIGITS.test(declared)) return undefined;
  const length = Number(declared);
  // Over the limit, and a stream already read or gone: body-parser's answers, whatever they are.
  if (length > limitBytes || !req.readable || req.socket.destroyed) return undefined;
  return length;
}

/** body-parser's strict JSON: empty is {}, else an object or an array (its `entity.parse.failed` otherwise). */
function parseStrictJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_NON_WHITESPACE.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw bodyError(400, 'entity.parse.failed', 'JSON body is neither an object nor an array');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bodyError(400, 'entity.parse.failed', 'JSON body is malformed');
  }
}

/**
 * Reads the common case — identity-encoded `application/json` (UTF-8 or no charset) with a
 * Content-Length within the limit — the way body-parser's json() would (the same `verify`, the
 * same strict parse, the same error types for the same error handler), without its per-request
 * content-type parsing, charset lookup and decoder. Every other request goes on to body-parser
 * untouched; once this has read a body, body-parser sees a finished stream and skips it.
 */
export function plainJsonBodyReader(limitBytes: number, verify: (req: Request, buf: Buffer) => void): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const length = plainJsonLength(req, limitBytes);
    if (length === undefined) return next();
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('aborted', onGone);
    };
    // The client went away (or was cut off for being too slow): nobody is left to answer.
    const onGone = () => stop();
    const onEnd = () => {
      stop();
      if (received !== length) return next(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      try {
        verify(req, buf);
        req.body = parseStrictJson(buf.toString('utf8'));
      } catch (error) {
        return next(error);
      }
      next();
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onGone);
    req.once('aborted', onGone);
  };
}
