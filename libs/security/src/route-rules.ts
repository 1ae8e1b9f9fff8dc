/**
 * Which paths are open, read-only or rate limited. Decided on the path, not on Nest routes, so
 * that tools mounted straight on Express (/docs, /admin/queues) are covered by the same rules.
 */
export const WEBHOOK_PATH = '/v1/webhooks/transactions';
/** A payment provider's route, /v1/webhooks/<name> (names are checked by the route itself). */
const PROVIDER_WEBHOOK_PATH = /^\/v1\/webhooks\/[a-z0-9-]{1,32}$/;

export type RateLimitScope = 'webhook' | 'read';

/** The operator console's page and its static files (script, style). */
export const CONSOLE_PATH = '/console';

/**
 * Express routes case-insensitively and ignores a trailing slash, so the rules must too:
 * otherwise `/V1/Webhooks/Transactions/` would reach the webhook without being counted.
 */
export function normalizePath(path: string): string {
  const lower = path.toLowerCase();
  const trimmed = lower.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

// Express does not resolve dot segments, but a proxy in front might: never open such a path.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** The native webhook and the provider routes: each proves its sender with its own signature. */
export function isWebhookPath(path: string): boolean {
  return path === WEBHOOK_PATH || PROVIDER_WEBHOOK_PATH.test(path);
}

/** Open without an API key: the webhooks (they have their own signatures), probes, metrics and `/`. */
export function isOpenPath(path: string): boolean {
  if (DOT_SEGMENT.test(path)) return false;
  return path === '/' || path === '/metrics' || isWebhookPath(path) || path === '/health' || path.startsWith('/health/');
}

/** Browser-facing operator tools, which also accept the key as a Basic password (see docs/security.md). */
export function isOperatorToolPath(path: string): boolean {
  return (
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path.startsWith('/docs-') ||
    path === '/admin/queues' ||
    path.startsWith('/admin/queues/') ||
    isConsolePath(path)
  );
}

/** The console's page and files: they get their own, tighter, content security policy. */
export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

/** GET /v1/transactions, /v1/transactions/{id}…, /v1/accounts/{id}/balance, /v1/stats, /v1/events, regardless of method. */
export function isReadPath(path: string): boolean {
  return (
    path === '/v1/transactions' ||
    path.startsWith('/v1/transactions/') ||
    path.startsWith('/v1/accounts/') ||
    path === '/v1/stats' ||
    path === '/v1/events'
  );
}

export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

export function rateLimitScope(method: string, path: string): RateLimitScope | null {
  if (method === 'POST' && isWebhookPath(path)) return 'webhook';
  if (isReadMethod(method) && isReadPath(path)) return 'read';
  return null;
}
