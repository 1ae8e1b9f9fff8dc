import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { HTTP_LOGGER } from './logging/logging.module';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { PaycheckMetrics } from './metrics/paycheck-metrics';

/**
 * The request log and the HTTP metrics, for the front of the pipeline (right after the request
 * id is chosen), so every response is logged and counted exactly once, whoever answers it.
 * `webhookProviders` are the enabled provider routes: only those get a `provider` label value.
 */
export function httpObservers(app: INestApplication, webhookProviders: readonly string[] = []): RequestHandler[] {
  return [app.get<RequestHandler>(HTTP_LOGGER), httpMetricsMiddleware(app.get(PaycheckMetrics), webhookProviders)];
}
