import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import type { Response, Test } from 'supertest';
import type { DataSource } from 'typeorm';
import { TestApp, uniqueId } from './test-app';

export interface WebhookBody {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: number;
  currency: string;
  [extra: string]: unknown;
}

/** A valid webhook body with a fresh transaction id; a test overrides what it is about. */
export function webhookBody(overrides: Partial<WebhookBody> = {}): WebhookBody {
  return {
    transaction_id: uniqueId('txn'),
    source_account: uniqueId('src'),
    destination_account: uniqueId('dst'),
    amount: 2500,
    currency: 'INR',
    ...overrides,
  };
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
  const [{ count }] = await dataSourceOf(app).query(`SELECT count(*)::int AS count FROM transactions WHERE transaction_id = $1`, [transactionId]);
  return count;
}

/** The ledger legs posted for one transaction, credit first. */
export async function postingsFor(app: INestApplication, transactionId: string): Promise<Array<{ account_id: string; side: string; amount: string; currency: string }>> {
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
