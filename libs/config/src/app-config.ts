export type AppRole = 'api' | 'worker' | 'all';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The validated, typed configuration. Built once, before Nest boots, and injected everywhere. */
export class AppConfig {
  readonly role!: AppRole;
  readonly port!: number;
  readonly databaseUrl!: string;
  readonly redisUrl!: string;
  readonly queuePrefix!: string;
  readonly processingDelayMs!: number;
  readonly workerConcurrency!: number;
  readonly processingMaxAttempts!: number;
  readonly processingBackoffMs!: number;
  readonly simulatedFailureRate!: number;
  readonly reconcileIntervalMs!: number;
  /** Deadline of one settlement call; past it the call is aborted and counts as a failed attempt. */
  readonly settlementTimeoutMs!: number;
  readonly webhookSecrets!: readonly string[];
  readonly apiKeys!: readonly string[];
  readonly bodyLimitBytes!: number;
  readonly corsOrigins!: readonly string[];
  readonly rateLimitPerMinute!: number;
  /** Concurrent GET /v1/events streams one API process serves; beyond it 503 with Retry-After. */
  readonly eventStreamLimit!: number;
  readonly logLevel!: LogLevel;
  readonly dbMigrationsRun!: boolean;
  /** Provider webhook secrets; an empty list leaves that provider's route disabled (404). */
  readonly stripeWebhookSecrets!: readonly string[];
  readonly razorpayWebhookSecrets!: readonly string[];
  readonly paystackSecretKeys!: readonly string[];

  constructor(values: AppConfig) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}
