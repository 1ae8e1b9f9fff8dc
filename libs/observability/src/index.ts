export { createBootLogger } from './logging/boot-logger';
export { EXPECTED_RETRY, OPEN_ENDED_RESPONSE, createHttpLogger, httpLogLevel } from './logging/http-logger';
export { HTTP_LOGGER, LoggingModule } from './logging/logging.module';
export { REDACTED_PATHS, createRootLogger, rootLoggerFor } from './logging/root-logger';
export {
  WEBHOOK_IGNORED,
  WEBHOOK_PATH,
  httpMetricsMiddleware,
  webhookOutcomeFor,
  webhookProviderOf,
} from './metrics/http-metrics.middleware';
export { createMetricsRegistry } from './metrics/metrics-registry';
export { MetricsModule } from './metrics/metrics.module';
export { PROCESSING_RESULTS, PaycheckMetrics, ProcessingResult, WEBHOOK_OUTCOMES, WebhookOutcome } from './metrics/paycheck-metrics';
export { QueueMetrics } from './metrics/queue-metrics';
export { QueueSample, QueueSampler, SAMPLED_STATES, ageSeconds } from './metrics/queue-sampler';
export { ObservabilityModule } from './observability.module';
export { bindRequestLogger } from './logging/bind-request-logger';
export { httpObservers } from './observe-http';
