import { AppConfig, type AppRole, type LogLevel } from './app-config';
import { ConfigError } from './config-error';
import { isStandardWebhooksSecret } from './webhook-secret';

type Env = Readonly<Record<string, string | undefined>>;

const ROLES: readonly AppRole[] = ['api', 'worker', 'all'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Ten thousand simulated calls are timers and promises, not threads: a process holds them
 * cheaply (see docs/performance.md). 1000 keeps a single worker able to absorb a burst while
 * bounding the lock-renewal and PostgreSQL pool pressure of finishing jobs.
 */
export const DEFAULT_WORKER_CONCURRENCY = 1000;

/** Reads and validates every variable of the configuration table (README); throws ConfigError naming the first bad one. */
export function loadConfig(env: Env): AppConfig {
  const read = new EnvReader(env);
  return new AppConfig({
    role: read.oneOf('APP_ROLE', ROLES, 'all'),
    port: read.integer('PORT', 8080, 0, 65535),
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres:postgres@127.0.0.1:5432/paycheck', ['postgres:', 'postgresql:']),
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: read.queuePrefix('QUEUE_PREFIX', 'paycheck'),
    processingDelayMs: read.integer('PROCESSING_DELAY_MS', 30000, 0, 3_600_000),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY, 1, 100_000),
    processingMaxAttempts: read.integer('PROCESSING_MAX_ATTEMPTS', 5, 1, 100),
    processingBackoffMs: read.integer('PROCESSING_BACKOFF_MS', 1000, 0, 3_600_000),
    simulatedFailureRate: read.probability('SIMULATED_FAILURE_RATE', 0),
    reconcileIntervalMs: read.integer('RECONCILE_INTERVAL_MS', 60000, 100, 86_400_000),
    settlementTimeoutMs: read.integer('SETTLEMENT_TIMEOUT_MS', 60000, 100, 3_600_000),
    webhookSecrets: read.list('WEBHOOK_SECRET', isStandardWebhooksSecret, 'must be whsec_<base64> (several separated by spaces or commas)'),
    apiKeys: read.list('API_KEYS', /^[\x21-\x7e]{16,}$/, 'must be comma-separated keys of at least 16 printable characters'),
    bodyLimitBytes: read.byteSize('BODY_LIMIT', '100kb'),
    corsOrigins: read.list('CORS_ORIGINS', /^https?:\/\/[^\s/]+$/, 'must be comma-separated origins like https://dashboard.example.com'),
    rateLimitPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 0, 0, 10_000_000),
    eventStreamLimit: read.integer('EVENT_STREAM_LIMIT', 100, 1, 100_000),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    dbMigrationsRun: read.boolean('DB_MIGRATIONS_RUN', true),
    ...readProviderSecrets(read),
  });
}

/** Payment providers' own webhook secrets, several per variable during a rotation. */
function readProviderSecrets(read: EnvReader): Pick<AppConfig, 'stripeWebhookSecrets' | 'razorpayWebhookSecrets' | 'paystackSecretKeys'> {
  return {
    stripeWebhookSecrets: read.list(
      'STRIPE_WEBHOOK_SECRET',
      /^whsec_[A-Za-z0-9+/=_-]{16,256}$/,
      'must be Stripe endpoint signing secrets (whsec_...), comma-separated',
    ),
    razorpayWebhookSecrets: read.list(
      'RAZORPAY_WEBHOOK_SECRET',
      /^[\x21-\x7e]{8,256}$/,
      'must be webhook secrets of at least 8 printable characters, comma-separated',
    ),
    paystackSecretKeys: read.list(
      'PAYSTACK_SECRET_KEY',
      /^sk_(live|test)_[A-Za-z0-9]{16,256}$/,
      'must be Paystack secret keys (sk_live_... or sk_test_...), comma-separated',
    ),
  };
}

class EnvReader {
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
    }
    return Number(value);
  }

  probability(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || n < 0 || n > 1) {
      throw new ConfigError(name, `must be a number from 0 to 1 (got "${value}")`);
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new ConfigError(name, `must be true or false (got "${value}")`);
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.raw(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(name, 'must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return value;
  }

  queuePrefix(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    // Braces are allowed so the prefix can act as a Redis Cluster hash tag: {paycheck}.
    if (!/^\{?[A-Za-z0-9_.-]{1,64}\}?$/.test(value) || value.startsWith('{') !== value.endsWith('}')) {
      throw new ConfigError(name, `must be 1-64 characters of A-Z a-z 0-9 _ . -, optionally wrapped in braces (got "${value}")`);
    }
    return value;
  }

  list(name: string, item: RegExp | ((entry: string) => boolean), problem: string): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const items = value.split(/[\s,]+/).filter((entry) => entry !== '');
    const valid = typeof item === 'function' ? item : (entry: string) => item.test(entry);
    // Secrets and keys are never echoed back in the message: only the position of the bad one.
    const bad = items.findIndex((entry) => !valid(entry));
    if (items.length === 0) throw new ConfigError(name, problem);
    if (bad >= 0) throw new ConfigError(name, `${problem}; entry #${bad + 1} is not`);
    return Object.freeze(items);
  }

  byteSize(name: string, fallback: string): number {
    const value = (this.raw(name) ?? fallback).toLowerCase();
    const match = /^(\d+)\s*(b|kb|mb)?$/.exec(value);
    const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };
    const bytes = match ? Number(match[1]) * units[match[2] ?? 'b'] : NaN;
    if (!(bytes >= 1024 && bytes <= 10 * 1024 * 1024)) {
      throw new ConfigError(name, `must be a size from 1kb to 10mb, like 100kb (got "${value}")`);
    }
    return bytes;
  }
}
