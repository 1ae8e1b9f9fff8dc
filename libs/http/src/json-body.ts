import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { exceedsJsonDepth } from './json-depth';
import { PROBLEM_CONTENT_TYPE, Problems } from './problem';

const JSON_TYPES = ['application/json', 'application/*+json'];
// Real payloads nest a few levels; deeper input only exists to exhaust the stack of whatever
// walks it next (class-transformer recursion answered 500 at a few thousand levels).
export const MAX_JSON_DEPTH = 32;

export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

/**
 * JSON parsing that keeps the exact bytes (signatures and exact amounts are checked against
 * them) and turns parser failures into problem documents instead of Express' HTML pages.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler[] {
  const parse = json({
    limit: limitBytes,
    // JSON is UTF-8 (RFC 8259); another declared charset is left unparsed, hence 415 downstream.
    type: (req) => Boolean((req as Request).is(JSON_TYPES)) && isUtf8OrUnspecified(req.headers['content-type']),
    verify: (req, _res, buf) => {
      if (exceedsJsonDepth(buf, MAX_JSON_DEPTH)) {
        throw Object.assign(new Error('JSON nested too deeply'), { status: 400, type: 'entity.too.deep' });
      }
      (req as RawBodyRequest).rawBody = buf;
    },
  });
  const translateErrors = (error: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (!error || typeof error.status !== 'number') return next(error);
    const problem =
      error.type === 'entity.too.large'
        ? Problems.payloadTooLarge(limitBytes)
        : error.status === 415
          ? Problems.unsupportedMediaType()
          : error.type === 'entity.too.deep'
            ? Problems.badRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`)
            : error.type === 'entity.parse.failed'
              ? Problems.malformedJson()
              : Problems.badRequest('The request body could not be read.');
    res.status(problem.getStatus()).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.problem));
  };
  return [parse, translateErrors as unknown as RequestHandler];
}

function isUtf8OrUnspecified(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}
