import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '@app/database';
import {
  EXPECTS_FAILURE_ENV,
  type TestApp,
  getTransaction,
  postWebhook,
  startTestApp,
  testQueuePrefix,
  waitFor,
} from '../support/test-app';
import { createTestDatabase, missingDatabaseUrl } from '../support/test-databases';
import { webhookBody } from '../support/webhooks';

/** Nothing listens on port 1: a Redis that is down from the start. */
const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('root status and probes', () => {
  let healthy: TestApp;
  let redisDown: TestApp | undefined;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    healthy = await startTestApp({ DATABASE_URL: databaseUrl, QUEUE_PREFIX: testQueuePrefix() });
  });

  afterAll(async () => {
    await healthy?.queue.obliterate({ force: true });
    await healthy?.close();
  });

  it('answers GET / with HEALTHY and the current time in ISO-8601 UTC', async () => {
    const before = Date.now();
    const res = await healthy.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['current_time', 'status']);
    expect(res.body.status).toBe('HEALTHY');
    expect(res.body.current_time).toMatch(ISO_8601_UTC);
    const reported = Date.parse(res.body.current_time);
    expect(reported).toBeGreaterThanOrEqual(before - 1000);
    expect(reported).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('answers /health/live with 200', async () => {
    await healthy.http().get('/health/live').expect(200);
  });

  it('answers /health/ready with 200 naming database and redis when both answer', async () => {
    const res = await healthy.http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('carries X-Request-Id on probe responses too', async () => {
    const res = await healthy.http().get('/health/ready').set('X-Request-Id', 'probe-7').expect(200);
    expect(res.headers['x-request-id']).toBe('probe-7');
  });

  describe('with Redis unreachable from boot', () => {
    beforeAll(async () => {
      // Its own database: only Redis is the variable here.
      redisDown = await startTestApp({
        ...EXPECTS_FAILURE_ENV,
        DATABASE_URL: await createTestDatabase(),
        REDIS_URL: CLOSED_REDIS_URL,
        QUEUE_PREFIX: testQueuePrefix(),
      });
    });

    it('still boots and stays live', async () => {
      await redisDown!.http().get('/health/live').expect(200);
      await redisDown!.http().get('/').expect(200);
    });

    it('answers /health/ready with 503 naming redis as down and database as up', async () => {
      const res = await redisDown!.http().get('/health/ready').expect(503);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.status).toBe('error');
      expect(res.body.details.database).toEqual({ status: 'up' });
      expect(res.body.details.redis.status).toBe('down');
      expect(res.body.error).toHaveProperty('redis');
      expect(res.body.error).not.toHaveProperty('database');
    });

    it('answers /health/worker with 503, as no worker can consume', async () => {
      const res = await redisDown!.http().get('/health/worker').expect(503);
      expect(res.body.status).toBe('error');
      expect(res.body.details.queue).toMatchObject({ status: 'down', workers: 0 });
    });

    it('still shuts down (what SIGTERM does) while Redis is unreachable', async () => {
      // Not a speed check: a graceful BullMQ close waits forever for a Redis that never answers.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still closing after 20 s'), 20000)));
      const closed = redisDown!.close().then(() => 'closed');
      const outcome = await Promise.race([closed, hung]);
      clearTimeout(timer);
      expect(outcome).toBe('closed');
      redisDown = undefined;
    });
  });

  describe('on a database that does not exist yet', () => {
    const started: TestApp[] = [];

    afterAll(async () => {
      await started[0]?.queue.obliterate({ force: true });
      for (const app of started) await app.close();
    });

    it('two replicas booting together create and migrate it once, and serve', async () => {
      const env = { DATABASE_URL: missingDatabaseUrl(), QUEUE_PREFIX: testQueuePrefix(), DB_MIGRATIONS_RUN: 'true' };
      const boots = await Promise.allSettled([startTestApp({ ...env, APP_ROLE: 'api' }), startTestApp({ ...env, APP_ROLE: 'worker' })]);
      for (const boot of boots) if (boot.status === 'fulfilled') started.push(boot.value);
      expect(boots.map((boot) => (boot.status === 'fulfilled' ? 'booted' : String(boot.reason)))).toEqual(['booted', 'booted']);

      const [api] = started;
      await api.http().get('/health/ready').expect(200);
      const body = webhookBody();
      await postWebhook(api, body).expect(202);
      await waitFor(
        () => getTransaction(api, body.transaction_id),
        (res) => res.body.status === 'PROCESSED',
      );
      const applied: Array<{ name: string }> = await api.app
        .get<DataSource>(getDataSourceToken())
        .query(`SELECT name FROM schema_migrations ORDER BY id`);
      expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => new migration().name));
    });
  });
});
