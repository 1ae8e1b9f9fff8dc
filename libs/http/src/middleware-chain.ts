import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

export type Middleware = RequestHandler | ErrorRequestHandler;

/**
 * Runs Express middleware in order, as Express' router runs a stack mounted with app.use():
 * next() goes to the following plain handler, next(error) to the following error handler (four
 * parameters), a throw or a rejected promise counts as next(error). No path matching: the
 * caller has already decided that every handler applies. `done` gets what is left unhandled.
 */
export function runMiddleware(stack: readonly Middleware[], req: Request, res: Response, done: (error?: unknown) => void): void {
  let index = 0;
  const next: NextFunction = (error?: unknown) => {
    const failed = error !== undefined && error !== null && error !== 'route';
    for (;;) {
      const handler = stack[index++];
      if (handler === undefined) return done(failed ? error : undefined);
      const handlesErrors = handler.length === 4;
      if (handlesErrors !== failed) continue;
      try {
        const result: unknown = handlesErrors
          ? (handler as ErrorRequestHandler)(error, req, res, next)
          : (handler as RequestHandler)(req, res, next);
        if (result instanceof Promise) result.catch((rejection: unknown) => next(rejection ?? new Error('Rejected promise')));
      } catch (thrown) {
        next(thrown);
      }
      return;
    }
  };
  next();
}
