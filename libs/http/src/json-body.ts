import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, Problems } from './problem';

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
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, buf) => {
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
          : error.type === 'entity.parse.failed'
            ? Problems.malformedJson()
            : Problems.badRequest('The request body could not be read.');
    res.status(problem.getStatus()).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.problem));
  };
  return [parse, translateErrors as unknown as RequestHandler];
}
