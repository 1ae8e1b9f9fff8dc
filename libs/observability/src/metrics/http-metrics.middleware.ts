import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type PaycheckMetrics, type WebhookOutcome } from './paycheck-metrics';

export const WEBHOOK_PATH = '/v1/webhooks/transactions';
const PROVIDER_PREFIX = '/v1/webhooks/';
/** `res.locals` flag a provider route sets when it answers an event it does not map ("ignored"). */
export const WEBHOOK_IGNORED = 'paycheckWebhookIgnored';

/**
 * How a webhook delivery was answered. A recorded delivery is a 2xx (202; 200 where a provider
 * requires it). Anything the sender must change before resending (a bad body, too large, not
 * JSON, too many requests) is "rejected"; a provider event that moves no money is "ignored";
 * 5xx answers are not deliveries received and show only in paycheck_http_requests_total.
 */
export function webhookOutcomeFor(status: number, replayed: boolean, ignored = false): WebhookOutcome | undefined {
  if (status >= 200 && status < 300) {
    if (ignored) return 'ignored';
    return replayed ? 'duplicate' : 'accepted';
  }
  if (status === 401) return 'unauthorized';
  if (status === 409) return 'conflict';
  if (status >= 400 && status < 500) return 'rejected';
  return undefined;
}

/**
 * The `provider` label of a webhook request: `native` for our own route, the provider's name for
 * an enabled provider route, undefined otherwise (unknown names never become label values).
 */
export function webhookProviderOf(method: string, path: string, providers: readonly string[]): string | undefined {
  if (method !== 'POST') return undefined;
  const normalized = path.toLowerCase().replace(/\/+$/, '');
  if (normalized === WEBHOOK_PATH) return 'native';
  if (!normalized.startsWith(PROVIDER_PREFIX)) return undefined;
  const name = normalized.slice(PROVIDER_PREFIX.length);
  return providers.includes(name) ? name : undefined;
}

/** Low-cardinality route label: the matched route template, or one bucket for everything else. */
function routeOf(req: Request): string {
  const { route } = req as unknown as { route?: { path?: unknown } }; // Express types req.route as any
  return route && typeof route.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
}

/**
 * Counts every response once it is sent, so answers given before any controller runs (the
 * body parser's 413 and 415, rate limiting) are counted too. Mounted first in the pipeline, so
 * the acknowledgement time includes body reading and verification.
 */
export function httpMetricsMiddleware(metrics: PaycheckMetrics, webhookProviders: readonly string[] = []): RequestHandler {
  metrics.trackWebhookProviders(webhookProviders);
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const provider = webhookProviderOf(req.method, req.path, webhookProviders);
    res.once('finish', () => {
      metrics.httpResponse(req.method, routeOf(req), res.statusCode);
      if (provider === undefined) return;
      const outcome = webhookOutcomeFor(
        res.statusCode,
        res.getHeader('Idempotent-Replayed') === 'true',
        res.locals[WEBHOOK_IGNORED] === true,
      );
      if (outcome) metrics.webhookReceived(provider, outcome);
      if (outcome === 'accepted' || outcome === 'duplicate') metrics.webhookAcknowledged(Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
