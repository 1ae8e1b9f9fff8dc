import helmet from 'helmet';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isConsolePath, normalizePath } from './route-rules';

/**
 * The console is our own code: its scripts, style and calls come from this origin only, it is
 * never framed, it submits no form by navigation (the sign-in is handled in script, so a key can
 * never end up in a URL), and Trusted Types forbid writing HTML from strings. Everything else is
 * refused; `data:` images only for the inline favicon that stops a /favicon.ico request.
 */
export const CONSOLE_CSP_DIRECTIVES: Readonly<Record<string, string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ["'none'"],
};

/**
 * Helmet's defaults (nosniff, frame denial, HSTS, a same-origin CSP...) suit both the JSON API
 * and the operator pages (Swagger UI and the queue dashboard load their scripts from 'self').
 * upgrade-insecure-requests is dropped: on a plain-http local run it would send the docs'
 * own assets to https and break them; in production TLS is enforced by HSTS and the proxy.
 * The console gets the tighter policy above instead.
 */
export function securityHeaders(): RequestHandler {
  const everywhere = helmet({
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
  }); // helmet types against node's http types, Express' are a superset
  const consolePage = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES } });
  return (req: Request, res: Response, next: NextFunction) =>
    (isConsolePath(normalizePath(req.path)) ? consolePage : everywhere)(req, res, next);
}
