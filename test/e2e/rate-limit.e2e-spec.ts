import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisRateLimiter } from '@app/security';
import { type TestApp, isolatedEnv, startTestApp, testQueuePrefix, uniqueId } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

const LIMIT = 3;
const KEY = 'key_rate_0123456789abcdef';
const OTHER_KEY = 'key_rate_fedcba9876543210';
/** Nothing listens on port 1: a Redis that is down from the start. */
const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';

function transaction(): string {
  return JSON.stringify({
    transaction_id: uniqueId('txn_rl'),
    source_account: 'user_acc_1',
    destination_account: 'merchant_acc_1',
    amount: 10,
    currency: 'INR',
  });
}

describe('rate limiting', () => {
  describe('with RATE_LIMIT_PER_MINUTE set, on two replicas sharing Redis', () => {
    const prefix = testQueuePrefix();
    let replicaA: TestApp;
    let replicaB: TestApp;
    let redis: Redis;

    beforeAll(async () => {
      const env = {
        APP_ROLE: 'api',
        DATABASE_URL: await createTestDatabase(),
        QUEUE_PREFIX: prefix,
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        API_KEYS: `${KEY},${OTHER_KEY}`,
      };
      replicaA = await startTestApp(env);
      replicaB = await startTestApp(env);
      redis = new Redis('redis://127.0.0.1:6379');
    }, 60_000);

    afterAll(async () => {
      const keys = await redis.keys(`${prefix}:rate-limit:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await replicaA?.queue.obliterate({ force: true });
      await replicaA?.close();
      await replicaB?.close();
    });

    const stored = async (): Promise<number> => {
      const [{ count }]: { count: string }[] = await replicaA.app.get(DataSource).query('SELECT count(*) AS count FROM transactions');
      return Number(count);
    };
    const webhook = (app: TestApp) =>
      app.http().post('/v1/webhooks/transactions').set('Content-Type', 'application/json').send(transaction());
    const balance = (app: TestApp, key: string) => app.http().get('/v1/accounts/user_acc_1/balance').set('Authorization', `Bearer ${key}`);

    it('counts one budget across replicas and answers 429 with Retry-After once it is spent, storing nothing', async () => {
      await webhook(replicaA).expect(202);
      await webhook(replicaB).expect(202);
      await webhook(replicaA).expect(202);
      const before = await stored();

      const refused = await webhook(replicaB).expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ type: 'https://paycheck.dev/problems/rate-limited', status: 429 });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      await webhook(replicaA).expect(429);
      expect(await stored()).toBe(before);
    });

    it('ignores X-Forwarded-For, which any client can write', async () => {
      await webhook(replicaA).set('X-Forwarded-For', '203.0.113.7').expect(429);
    });

    it('counts reads apart from webhooks, and each API key apart', async () => {
      for (let i = 0; i < LIMIT; i++) await balance(i % 2 === 0 ? replicaA : replicaB, KEY).expect(200);
      await balance(replicaA, KEY).expect(429);
      await balance(replicaB, OTHER_KEY).expect(200);
    });

    it('lets exactly the budget through when requests race', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? replicaA : replicaB).http().get('/v1/transactions/txn_race').set('Authorization', `Bearer ${OTHER_KEY}`),
        ),
      ).then((responses) => responses.map((res) => res.status));
      // OTHER_KEY spent one read above, so LIMIT - 1 are left for the race.
      expect(statuses.filter((status) => status === 404)).toHaveLength(LIMIT - 1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(10 - (LIMIT - 1));
    });

    it('never limits the probes, metrics, root or operator routes', async () => {
      for (let i = 0; i < LIMIT + 2; i++) {
        await replicaA.http().get('/health/ready').expect(200);
        await replicaA.http().get('/health/live').expect(200);
        await replicaA.http().get('/').expect(200);
        expect((await replicaA.http().get('/metrics')).status).not.toBe(429);
        expect((await replicaA.http().post('/v1/transactions/txn_none/retry').set('Authorization', `Bearer ${KEY}`)).status).not.toBe(429);
      }
    });

    it('keeps its counters under QUEUE_PREFIX, expiring, without any API key in them', async () => {
      const keys = await redis.keys(`${prefix}:rate-limit:*`);
      expect(keys.length).toBeGreaterThanOrEqual(3); // webhook by IP, reads by two keys
      for (const key of keys) {
        expect(key).not.toContain(KEY);
        expect(key).not.toContain(OTHER_KEY);
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
    });
  });

  describe('when Redis is unreachable', () => {
    it('fails open: the limiter lets requests through instead of failing', async () => {
      const limiter = new RedisRateLimiter({ redisUrl: CLOSED_REDIS_URL, keyPrefix: testQueuePrefix(), limit: 1, windowMs: 60_000 });
      await limiter.onModuleInit();
      try {
        for (let i = 0; i < 3; i++) expect(await limiter.hit('ip:203.0.113.9')).toEqual({ allowed: true, remaining: 1 });
      } finally {
        await limiter.onApplicationShutdown();
      }
    });

    it('still accepts webhooks (202 once committed): the limit fails open', async () => {
      const app = await startTestApp({
        APP_ROLE: 'api',
        DATABASE_URL: await createTestDatabase(),
        REDIS_URL: CLOSED_REDIS_URL,
        QUEUE_PREFIX: testQueuePrefix(),
        RATE_LIMIT_PER_MINUTE: '1',
      });
      try {
        for (let i = 0; i < 3; i++) {
          await app.http().post('/v1/webhooks/transactions').set('Content-Type', 'application/json').send(transaction()).expect(202);
        }
      } finally {
        await app.close();
      }
    }, 60_000);
  });

  describe('with RATE_LIMIT_PER_MINUTE unset', () => {
    it('never answers 429', async () => {
      const app = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
      try {
        const statuses = await Promise.all(
          Array.from({ length: 30 }, () =>
            app
              .http()
              .get('/v1/transactions/txn_none')
              .then((res) => res.status),
          ),
        );
        expect(new Set(statuses)).toEqual(new Set([404]));
      } finally {
        await app.close();
      }
    }, 60_000);
  });
});
