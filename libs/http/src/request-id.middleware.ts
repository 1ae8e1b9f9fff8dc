import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** Echoes the caller's X-Request-Id (when it is sane) or a new UUID on every response. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const sent = req.headers[REQUEST_ID_HEADER];
  const id = typeof sent === 'string' && ACCEPTABLE_ID.test(sent) ? sent : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

/** The id requestIdMiddleware gave this request (the one on its X-Request-Id). */
export function requestIdOf(req: Request): string {
  return (req as Request & { id?: string }).id ?? '';
}
