import type { NextFunction, Request, Response } from 'express';
import { Store, storage } from 'nestjs-pino/storage';

/**
 * What nestjs-pino's own route middleware does with useExisting: runs the rest of the request
 * with its req.log (set by the request log) as the logger of every Nest log line written
 * meanwhile. Mounted as the last step before the routes, so the webhook fast path and Express
 * both run it (nestjs-pino's copy is mounted for no route).
 */
export function bindRequestLogger(req: Request, _res: Response, next: NextFunction): void {
  if (!req.log) return next();
  storage.run(new Store(req.log), next);
}
