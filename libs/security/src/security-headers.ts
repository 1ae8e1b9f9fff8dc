import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Helmet's defaults (nosniff, frame denial, HSTS, a same-origin CSP...) suit both the JSON API
 * and the operator pages (Swagger UI and the queue dashboard load their scripts from 'self').
 * upgrade-insecure-requests is dropped: on a plain-http local run it would send the docs'
 * own assets to https and break them; in production TLS is enforced by HSTS and the proxy.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
  }); // helmet types against node's http types, Express' are a superset
}
