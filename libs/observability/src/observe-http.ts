import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { HTTP_LOGGER } from './logging/logging.module';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { PaycheckMetrics } from './metrics/paycheck-metrics';

/**
 * Mounts the request log and the HTTP metrics at the front of the pipeline (right after the
 * request id is chosen), so every response is logged and counted exactly once, whoever answers it.
 * `webhookProviders` are the enabled provider routes: only those get a `provider` label value.
 */
export function observeHttp(app: INestApplication, webhookProviders: readonly string[] = []): void {
  app.use(app.get<RequestHandler>(HTTP_LOGGER));
  app.use(httpMetricsMiddleware(app.get(PaycheckMetrics), webhookProviders));
}
