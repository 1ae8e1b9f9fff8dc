import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { exceedsJsonDepth } from './json-depth';
import { type BodyError, bodyError, plainJsonBodyReader } from './plain-json-body';
import { PROBLEM_CONTENT_TYPE, type ProblemException, Problems } from './problem';

const JSON_TYPES = ['application/json', 'application/*+json'];
// Real payloads nest a few levels; deeper input only exists to exhaust the stack of whatever
// walks it next (class-transformer recursion answered 500 at a few thousand levels).
export const MAX_JSON_DEPTH = 32;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

/**
 * The checks on the exact bytes, before anything parses them. The parser would skip a BOM, but
 * the signature and the exact amount are read from the raw bytes, where it is not JSON (RFC 8259
 * forbids sending one): say so instead of failing later on whichever field is read first.
 */
function checkRawBody(req: Request, buf: Buffer): void {
  if (buf.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) throw bodyError(400, 'entity.bom', 'JSON body starts with a byte-order mark');
  if (exceedsJsonDepth(buf, MAX_JSON_DEPTH)) throw bodyError(400, 'entity.too.deep', 'JSON nested too deeply');
  (req as RawBodyRequest).rawBody = buf;
}

/**
 * JSON parsing that keeps the exact bytes (signatures and exact amounts are checked against
 * them) and turns parser failures into problem documents instead of Express' HTML pages. The
 * common case is read by plainJsonBodyReader, everything else (other spellings of the media
 * type, compressed or chunked bodies, bodies over the limit) by body-parser; both run
 * checkRawBody and end in the same error handler.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler[] {
  const parse = json({
    limit: limitBytes,
    // JSON is UTF-8 (RFC 8259); another declared charset is left unparsed, hence 415 downstream.
    type: (req) => Boolean((req as Request).is(JSON_TYPES)) && isUtf8OrUnspecified(req.headers['content-type']),
    verify: (req, _res, buf) => checkRawBody(req as Request, buf),
  });
  const translateErrors = (error: Partial<BodyError>, req: Request, res: Response, next: NextFunction) => {
    if (!error || typeof error.status !== 'number') return next(error);
    // The client went away (or was cut off for being too slow): nobody is left to answer.
    if (error.type === 'request.aborted' || req.socket.destroyed) return;
    const problem = problemFor(error, limitBytes);
    res.status(problem.getStatus()).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.problem));
  };
  return [plainJsonBodyReader(limitBytes, checkRawBody), parse, translateErrors as unknown as RequestHandler];
}

function problemFor(error: Partial<BodyError>, limitBytes: number): ProblemException {
  if (error.type === 'entity.too.large') return Problems.payloadTooLarge(limitBytes);
  if (error.status === 415) return Problems.unsupportedMediaType();
  if (error.type === 'entity.bom')
    return Problems.badRequest('The body starts with a UTF-8 byte-order mark (EF BB BF); send the JSON without a BOM.');
  if (error.type === 'entity.too.deep') return Problems.badRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  if (error.type === 'entity.parse.failed') return Problems.malformedJson();
  return Problems.badRequest('The request body could not be read.');
}

function isUtf8OrUnspecified(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
