import { type INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type Job, type Queue } from 'bullmq';
import request, { type Response, type Test } from 'supertest';
import { type DataSource } from 'typeorm';
import { type AppConfig, loadConfig } from '@app/config';
import { SettlementQueue } from '@app/queue';
import { type CreateAppOptions, createApp } from '../../apps/server/src/bootstrap/create-app';
import { TEMPLATE_ENV, createTestDatabase } from './test-databases';
import { uniqueSuffix } from './unique-names';

// The e2e specs' one-stop import: the shared helpers they use with every app.
export { uniqueId } from './unique-names';
export { waitFor } from './wait-for';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** Shard 0 of the current layout: the one queue when QUEUE_SHARDS is 1. */
  queue: Queue;
  /** Every shard of the current layout, shard k at index k. */
  queues: readonly Queue[];
  close: () => Promise<void>;
}

/** Settings that keep the suite fast; a test overrides what it is about. */
export const FAST_ENV: Record<string, string> = {
  PROCESSING_DELAY_MS: '200',
  PROCESSING_BACKOFF_MS: '100',
  RECONCILE_INTERVAL_MS: '3600000',
  LOG_LEVEL: 'error',
  DB_MIGRATIONS_RUN: 'false',
};

/**
 * For an app a test drives into failure on purpose (Redis down, no worker): the error lines it
 * then logs are expected, so they stay out of the test output; the test asserts the answers.
 */
export const EXPECTS_FAILURE_ENV: Record<string, string> = { LOG_LEVEL: 'fatal' };

/** A fresh BullMQ prefix under this run's name, so the global teardown can remove its keys. */
export function testQueuePrefix(): string {
  return `${process.env[TEMPLATE_ENV] ?? 'paycheck_test_adhoc'}-${uniqueSuffix()}`;
}

/** A real application (real PostgreSQL, real Redis) for one role, initialised but not listening. */
export async function startTestApp(env: Record<string, string>, options: CreateAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ ...FAST_ENV, ...env });
  const app = await createApp(config, options);
  await app.init();
  const queues = app.get(SettlementQueue).queues as readonly Queue[];
  return {
    app,
    config,
    queue: queues[0],
    queues,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** A database and a queue prefix of its own, for an app that shares them with no other test file. */
export async function isolatedEnv(): Promise<{ DATABASE_URL: string; QUEUE_PREFIX: string }> {
  return { DATABASE_URL: await createTestDatabase(), QUEUE_PREFIX: testQueuePrefix() };
}

/** POSTs a body (an object, or raw JSON text sent byte for byte) to the webhook route. */
export function postWebhook(app: TestApp, body: object | string): Test {
  return app
    .http()
    .post('/v1/webhooks/transactions')
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
}

export function getTransaction(app: TestApp, transactionId: string): Test {
  return app.http().get(`/v1/transactions/${encodeURIComponent(transactionId)}`);
}

/** Every job (in any state) this queue holds for one transaction. */
export async function jobsForTransaction(queue: Queue, transactionId: string): Promise<Job[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children']);
  return jobs.filter((job) => job?.data?.transactionId === transactionId);
}

function dataSourceOf(app: INestApplication): DataSource {
  return app.get<DataSource>(getDataSourceToken());
}

export async function countTransactionRows(app: INestApplication, transactionId: string): Promise<number> {
  const [{ count }] = await dataSourceOf(app).query(`SELECT count(*)::int AS count FROM transactions WHERE transaction_id = $1`, [
    transactionId,
  ]);
  return count;
}

/** The ledger legs posted for one transaction, credit first. */
export async function postingsFor(
  app: INestApplication,
  transactionId: string,
): Promise<Array<{ account_id: string; side: string; amount: string; currency: string }>> {
  return dataSourceOf(app).query(
    `SELECT p.account_id, p.side, p.amount::text AS amount, p.currency
       FROM ledger_postings p JOIN transactions t ON t.id = p.transaction_id
      WHERE t.transaction_id = $1
      ORDER BY p.side`,
    [transactionId],
  );
}

/** Asserts an RFC 9457 problem document with this status; returns its body. */
export function expectProblem(res: Response, status: number): Record<string, unknown> {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|SELECT |INSERT /);
  return res.body as Record<string, unknown>;
}
