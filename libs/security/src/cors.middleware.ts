import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isReadMethod, isReadPath, normalizePath } from './route-rules';

const ALLOWED_METHODS = 'GET, HEAD';
const ALLOWED_HEADERS = 'Authorization, X-Request-Id, Last-Event-ID';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Opens the read routes, and only those, to browsers on the configured origins. Runs before
 * the API key check: a preflight never carries credentials, and a 401 must still be readable
 * by the dashboard. Anything not allowed gets no Access-Control-* header at all (closed).
 * No Allow-Credentials: the key travels in a header, never in a cookie.
 */
export function corsForReadRoutes(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins.map(canonicalOrigin));
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isReadPath(normalizePath(req.path))) return next();
    res.vary('Origin');
    const origin = req.headers.origin === undefined ? undefined : canonicalOrigin(req.headers.origin);
    if (origin === undefined || !allowed.has(origin)) return next();

    const requested = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requested !== undefined) {
      if (!isReadMethod(requested.toUpperCase())) return next();
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      });
      res.status(204).end();
      return;
    }
    if (isReadMethod(req.method)) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS });
    }
    next();
  };
}

/** Browsers send scheme://host[:port] in lower case, without a default port. */
function canonicalOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return 'null';
  }
}
