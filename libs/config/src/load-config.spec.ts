import { ConfigError } from './config-error';
import { DEFAULT_WORKER_CONCURRENCY, loadConfig } from './load-config';

/** The ConfigError loadConfig throws for one bad variable (fails the test if it does not throw one). */
function configErrorFor(name: string, value: string): ConfigError {
  try {
    loadConfig({ [name]: value });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${name}=${JSON.stringify(value)} was accepted`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('works against a local PostgreSQL and Redis with no variable set', () => {
      expect({ ...loadConfig({}) }).toEqual({
        role: 'all',
        port: 8080,
        databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/paycheck',
        redisUrl: 'redis://127.0.0.1:6379',
        queuePrefix: 'paycheck',
        processingDelayMs: 30000,
        workerConcurrency: DEFAULT_WORKER_CONCURRENCY,
        processingMaxAttempts: 5,
        processingBackoffMs: 1000,
        simulatedFailureRate: 0,
        reconcileIntervalMs: 60000,
        settlementTimeoutMs: 60000,
        webhookSecrets: [],
        apiKeys: [],
        bodyLimitBytes: 100 * 1024,
        corsOrigins: [],
        rateLimitPerMinute: 0,
        eventStreamLimit: 100,
        logLevel: 'info',
        dbMigrationsRun: true,
        stripeWebhookSecrets: [],
        razorpayWebhookSecrets: [],
        paystackSecretKeys: [],
      });
    });

    it('holds at least 100 jobs per worker by default', () => {
      expect(loadConfig({}).workerConcurrency).toBeGreaterThanOrEqual(100);
    });

    it('treats empty and blank values as unset', () => {
      expect(loadConfig({ PORT: '', LOG_LEVEL: '   ', QUEUE_PREFIX: '' })).toMatchObject({
        port: 8080,
        logLevel: 'info',
        queuePrefix: 'paycheck',
      });
    });

    it('returns a frozen object', () => {
      const config = loadConfig({});
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => Object.assign(config, { port: 1 })).toThrow(TypeError);
    });
  });

  describe('accepted values', () => {
    it.each([
      ['APP_ROLE', 'worker', 'role', 'worker'],
      ['APP_ROLE', 'api', 'role', 'api'],
      ['PORT', '3000', 'port', 3000],
      ['PORT', '0', 'port', 0],
      [
        'DATABASE_URL',
        'postgresql://u:p@db.example.com:6543/postgres?sslmode=require',
        'databaseUrl',
        'postgresql://u:p@db.example.com:6543/postgres?sslmode=require',
      ],
      ['REDIS_URL', 'rediss://default:token@eu1.upstash.io:6379', 'redisUrl', 'rediss://default:token@eu1.upstash.io:6379'],
      ['QUEUE_PREFIX', '{paycheck}', 'queuePrefix', '{paycheck}'],
      ['QUEUE_PREFIX', 'paycheck-staging.v2', 'queuePrefix', 'paycheck-staging.v2'],
      ['PROCESSING_DELAY_MS', '0', 'processingDelayMs', 0],
      ['WORKER_CONCURRENCY', '250', 'workerConcurrency', 250],
      ['PROCESSING_MAX_ATTEMPTS', '1', 'processingMaxAttempts', 1],
      ['PROCESSING_BACKOFF_MS', '250', 'processingBackoffMs', 250],
      ['SIMULATED_FAILURE_RATE', '0.25', 'simulatedFailureRate', 0.25],
      ['SIMULATED_FAILURE_RATE', '1', 'simulatedFailureRate', 1],
      ['RECONCILE_INTERVAL_MS', '5000', 'reconcileIntervalMs', 5000],
      ['BODY_LIMIT', '1mb', 'bodyLimitBytes', 1024 * 1024],
      ['BODY_LIMIT', '2048', 'bodyLimitBytes', 2048],
      ['BODY_LIMIT', '64KB', 'bodyLimitBytes', 64 * 1024],
      ['RATE_LIMIT_PER_MINUTE', '600', 'rateLimitPerMinute', 600],
      ['EVENT_STREAM_LIMIT', '1', 'eventStreamLimit', 1],
      ['EVENT_STREAM_LIMIT', '100000', 'eventStreamLimit', 100000],
      ['LOG_LEVEL', 'debug', 'logLevel', 'debug'],
      ['DB_MIGRATIONS_RUN', 'false', 'dbMigrationsRun', false],
      ['DB_MIGRATIONS_RUN', '0', 'dbMigrationsRun', false],
      ['DB_MIGRATIONS_RUN', 'TRUE', 'dbMigrationsRun', true],
    ])('reads %s=%j as %s', (name, value, key, expected) => {
      expect(loadConfig({ [name]: value })).toHaveProperty(key, expected);
    });

    it('reads WEBHOOK_SECRET as one or more Standard Webhooks secrets', () => {
      const a = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
      const b = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
      expect(loadConfig({ WEBHOOK_SECRET: a }).webhookSecrets).toEqual([a]);
      expect(loadConfig({ WEBHOOK_SECRET: `${a} ${b}` }).webhookSecrets).toEqual([a, b]);
      expect(loadConfig({ WEBHOOK_SECRET: `${a},${b}` }).webhookSecrets).toEqual([a, b]);
    });

    it('reads each provider secret as a comma-separated list, for rotation', () => {
      const config = loadConfig({
        STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdefABCDEF, whsec_fedcba9876543210FEDCBA',
        RAZORPAY_WEBHOOK_SECRET: 'my-razorpay-secret!,older_secret',
        PAYSTACK_SECRET_KEY: 'sk_test_0123456789abcdef0123456789abcdef01234567',
      });
      expect(config.stripeWebhookSecrets).toEqual(['whsec_0123456789abcdefABCDEF', 'whsec_fedcba9876543210FEDCBA']);
      expect(config.razorpayWebhookSecrets).toEqual(['my-razorpay-secret!', 'older_secret']);
      expect(config.paystackSecretKeys).toEqual(['sk_test_0123456789abcdef0123456789abcdef01234567']);
    });

    it('reads API_KEYS and CORS_ORIGINS as comma-separated lists', () => {
      const config = loadConfig({
        API_KEYS: 'k_0123456789abcdef, k_fedcba9876543210',
        CORS_ORIGINS: 'https://dashboard.example.com,http://localhost:5173',
      });
      expect(config.apiKeys).toEqual(['k_0123456789abcdef', 'k_fedcba9876543210']);
      expect(config.corsOrigins).toEqual(['https://dashboard.example.com', 'http://localhost:5173']);
    });
  });

  describe('a bad value stops boot with a ConfigError naming the variable', () => {
    it.each([
      ['PORT', 'eighty'],
      ['PORT', '65536'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['DATABASE_URL', 'not a url'],
      ['DATABASE_URL', 'mysql://root@127.0.0.1:3306/paycheck'],
      ['REDIS_URL', 'http://127.0.0.1:6379'],
      ['REDIS_URL', '127.0.0.1:6379'],
      ['QUEUE_PREFIX', '{paycheck'],
      ['QUEUE_PREFIX', 'paycheck}'],
      ['QUEUE_PREFIX', '{}'],
      ['QUEUE_PREFIX', 'pay:check'],
      ['QUEUE_PREFIX', 'pay check'],
      ['QUEUE_PREFIX', 'p'.repeat(65)],
      ['PROCESSING_DELAY_MS', 'soon'],
      ['PROCESSING_DELAY_MS', '-5'],
      ['PROCESSING_DELAY_MS', '1e3'],
      ['WORKER_CONCURRENCY', '0'],
      ['WORKER_CONCURRENCY', 'many'],
      ['PROCESSING_MAX_ATTEMPTS', '0'],
      ['PROCESSING_MAX_ATTEMPTS', '2.5'],
      ['PROCESSING_BACKOFF_MS', 'fast'],
      ['PROCESSING_BACKOFF_MS', '-1'],
      ['SIMULATED_FAILURE_RATE', '1.5'],
      ['SIMULATED_FAILURE_RATE', '-0.1'],
      ['SIMULATED_FAILURE_RATE', 'half'],
      ['SIMULATED_FAILURE_RATE', '50%'],
      ['RECONCILE_INTERVAL_MS', '0'],
      ['RECONCILE_INTERVAL_MS', 'hourly'],
      ['WEBHOOK_SECRET', 'whsec_not base64!'],
      ['WEBHOOK_SECRET', 'whsec_abcde'],
      ['WEBHOOK_SECRET', 'whsec_ab=c'],
      ['API_KEYS', 'short'],
      ['API_KEYS', 'k_0123456789abcdef,tiny'],
      ['BODY_LIMIT', 'huge'],
      ['BODY_LIMIT', '100gb'],
      ['BODY_LIMIT', '20mb'],
      ['BODY_LIMIT', '0kb'],
      ['CORS_ORIGINS', 'dashboard.example.com'],
      ['CORS_ORIGINS', 'https://dashboard.example.com/path'],
      ['CORS_ORIGINS', '*'],
      ['RATE_LIMIT_PER_MINUTE', '-1'],
      ['RATE_LIMIT_PER_MINUTE', 'unlimited'],
      ['EVENT_STREAM_LIMIT', '0'],
      ['EVENT_STREAM_LIMIT', '100001'],
      ['EVENT_STREAM_LIMIT', 'many'],
      ['LOG_LEVEL', 'verbose'],
      ['LOG_LEVEL', 'INFO!'],
      ['DB_MIGRATIONS_RUN', 'maybe'],
      ['STRIPE_WEBHOOK_SECRET', 'sk_live_0123456789abcdef0123'],
      ['STRIPE_WEBHOOK_SECRET', 'whsec_short'],
      ['STRIPE_WEBHOOK_SECRET', 'whsec_0123456789abcdefABCDEF,whsec_'],
      ['RAZORPAY_WEBHOOK_SECRET', 'short'],
      ['RAZORPAY_WEBHOOK_SECRET', 'long-enough-secret,x'],
      ['RAZORPAY_WEBHOOK_SECRET', 'caf\u00e9-secret-value'],
      ['PAYSTACK_SECRET_KEY', 'pk_live_0123456789abcdef0123456789'],
      ['PAYSTACK_SECRET_KEY', 'sk_prod_0123456789abcdef0123456789'],
      ['PAYSTACK_SECRET_KEY', 'sk_test_short'],
      ['APP_ROLE', 'both'],
      ['APP_ROLE', 'API '.repeat(2)],
    ])('%s=%j', (name, value) => {
      const error = configErrorFor(name, value);
      expect(error.variable).toBe(name);
      expect(error.message).toContain(name);
    });

    it('reports the bad variable even when the others are fine', () => {
      const error = configErrorFor('PORT', 'x');
      expect(error.name).toBe('ConfigError');
      expect(error).toBeInstanceOf(Error);
      expect(() => loadConfig({ APP_ROLE: 'api', PORT: 'x', LOG_LEVEL: 'warn' })).toThrow(/PORT/);
    });
  });

  describe('secrets never reach the message', () => {
    it.each([
      ['WEBHOOK_SECRET', 'whsec_sup3rS3cretValue!!'],
      ['WEBHOOK_SECRET', 'whsec_c3VwM3JTM2NyZXRWYWx1ZQ== whsec_sup3rS3cretValue$'],
      ['API_KEYS', 'sup3rS3cretValue,x'],
      ['STRIPE_WEBHOOK_SECRET', 'whsec_0123456789abcdefABCDEF,sup3rS3cretValue'],
      ['RAZORPAY_WEBHOOK_SECRET', 'sup3rS3cretValue\u00e9'],
      ['PAYSTACK_SECRET_KEY', 'sk_live_sup3rS3cretValue-oops'],
      ['API_KEYS', 'sup3rS3cretValue with spaces'],
      ['DATABASE_URL', 'mysql://admin:sup3rS3cretValue@db.example.com/paycheck'],
      ['REDIS_URL', 'http://default:sup3rS3cretValue@eu1.upstash.io:6379'],
    ])('%s', (name, value) => {
      const error = configErrorFor(name, value);
      expect(error.variable).toBe(name);
      expect(error.message).not.toContain('sup3rS3cretValue');
      expect(error.message).not.toContain('c3VwM3JTM2NyZXRWYWx1ZQ');
    });
  });

  describe('SETTLEMENT_TIMEOUT_MS', () => {
    it('gives one settlement call 60 s by default', () => {
      expect(loadConfig({}).settlementTimeoutMs).toBe(60_000);
    });

    it.each([
      ['500', 500],
      ['100', 100],
      ['3600000', 3_600_000],
    ])('reads %j as %d ms', (value, expected) => {
      expect(loadConfig({ SETTLEMENT_TIMEOUT_MS: value }).settlementTimeoutMs).toBe(expected);
    });

    it.each(['0', '99', '3600001', '-1', '1.5', '1e3', 'soon', '30s'])('stops boot naming the variable for %j', (value) => {
      const error = configErrorFor('SETTLEMENT_TIMEOUT_MS', value);
      expect(error.variable).toBe('SETTLEMENT_TIMEOUT_MS');
      expect(error.message).toContain('SETTLEMENT_TIMEOUT_MS');
      expect(error.message).toContain(value);
    });
  });
});
