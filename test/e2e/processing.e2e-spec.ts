import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SETTLE_JOB } from '@app/queue';
import {
  type TestApp,
  getTransaction,
  isolatedEnv,
  jobsForTransaction,
  postWebhook,
  postingsFor,
  startTestApp,
  uniqueId,
  waitFor,
} from '../support/test-app';
import { webhookBody } from '../support/webhooks';

/** Long enough that jobs taken together are visibly held together, even on a busy machine. */
const SLOW_CALL_MS = 5000;

describe('processing (APP_ROLE=all, default concurrency)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'all', ...(await isolatedEnv()), PROCESSING_DELAY_MS: '1000' });
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  const processed = (id: string) =>
    waitFor(
      () => getTransaction(t, id),
      (res) => res.body.status === 'PROCESSED',
    );
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => t.app.get<DataSource>(getDataSourceToken()).query(sql, params);

  it('posts once when the queue delivers the same transaction several times at once', async () => {
    const body = webhookBody({ amount: 42.5 });
    await postWebhook(t, body).expect(202);
    // Redeliveries as a queue may produce them (stalled jobs, old builds): same data, other job ids.
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        t.queue.add(SETTLE_JOB, { transactionId: body.transaction_id }, { jobId: `redelivery-${n}-${body.transaction_id}` }),
      ),
    );

    const done = (await processed(body.transaction_id)).body;
    expect(done).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    const jobs = await jobsForTransaction(t.queue, body.transaction_id);
    expect(jobs).toHaveLength(6);
    await waitFor(
      () => Promise.all(jobs.map((job) => job.getState())),
      (states) => states.every((state) => state === 'completed'),
    );
    expect(await postingsFor(t.app, body.transaction_id)).toEqual([
      { account_id: body.destination_account, side: 'credit', amount: '42.50', currency: 'INR' },
      { account_id: body.source_account, side: 'debit', amount: '-42.50', currency: 'INR' },
    ]);
    expect((await getTransaction(t, body.transaction_id).expect(200)).body).toEqual(done);
  });

  it('changes nothing when a job arrives for a transaction already PROCESSED', async () => {
    const body = webhookBody();
    await postWebhook(t, body).expect(202);
    const done = (await processed(body.transaction_id)).body;

    const late = await t.queue.add(SETTLE_JOB, { transactionId: body.transaction_id }, { jobId: `late-${body.transaction_id}` });
    await waitFor(
      () => late.getState(),
      (state) => state === 'completed',
    );
    expect((await getTransaction(t, body.transaction_id).expect(200)).body).toEqual(done);
    expect(await postingsFor(t.app, body.transaction_id)).toHaveLength(2);
  });

  it('completes a job for an unknown transaction without harm and keeps processing', async () => {
    const ghost = await t.queue.add(SETTLE_JOB, { transactionId: uniqueId('ghost') }, { jobId: uniqueId('ghost-job') });
    const body = webhookBody();
    await postWebhook(t, body).expect(202);
    await waitFor(
      () => ghost.getState(),
      (state) => state === 'completed',
    );
    await processed(body.transaction_id);
  });

  it('keeps the ledger balanced: each PROCESSED transaction has one debit and one credit of its amount, nothing else is posted', async () => {
    const unbalanced = await query<{ currency: string; total: string }>(
      `SELECT currency, sum(amount)::text AS total FROM ledger_postings GROUP BY currency HAVING sum(amount) <> 0`,
    );
    expect(unbalanced).toEqual([]);
    const wrong = await query<{ transaction_id: string }>(
      `SELECT t.transaction_id FROM transactions t
         LEFT JOIN ledger_postings d ON d.transaction_id = t.id AND d.side = 'debit'
         LEFT JOIN ledger_postings c ON c.transaction_id = t.id AND c.side = 'credit'
        WHERE (t.status = 'PROCESSED') <> (d.id IS NOT NULL AND c.id IS NOT NULL)
           OR (d.id IS NOT NULL AND (d.account_id <> t.source_account OR d.amount <> -t.amount OR d.currency <> t.currency))
           OR (c.id IS NOT NULL AND (c.account_id <> t.destination_account OR c.amount <> t.amount OR c.currency <> t.currency))`,
    );
    expect(wrong).toEqual([]);
    const [{ processed: count }] = await query<{ processed: number }>(
      `SELECT count(*)::int AS processed FROM transactions WHERE status = 'PROCESSED'`,
    );
    expect(count).toBeGreaterThanOrEqual(3);
  });
});

describe('processing holds many calls at once', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'all',
      ...(await isolatedEnv()),
      PROCESSING_DELAY_MS: String(SLOW_CALL_MS),
    });
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  it('with the default WORKER_CONCURRENCY, 150 slow calls are in hand together and each posts once', async () => {
    expect(t.config.workerConcurrency).toBeGreaterThanOrEqual(150);
    const bodies = Array.from({ length: 150 }, () => webhookBody({ amount: 1 }));
    const accepted = await Promise.all(bodies.map((body) => postWebhook(t, body)));
    expect(accepted.map((res) => res.status)).toEqual(Array(150).fill(202));

    // The call is a timer, not a thread: one process keeps all of them waiting side by side.
    const peak = await waitFor(
      () => t.queue.getActiveCount(),
      (active) => active >= 100,
      SLOW_CALL_MS * 4,
    );
    expect(peak).toBeGreaterThanOrEqual(100);

    for (const body of bodies)
      await waitFor(
        () => getTransaction(t, body.transaction_id),
        (res) => res.body.status === 'PROCESSED',
        60000,
      );
    const [{ legs }] = await t.app.get<DataSource>(getDataSourceToken()).query(`SELECT count(*)::int AS legs FROM ledger_postings`);
    expect(legs).toBe(300);
  }, 120000);
});

describe('WORKER_CONCURRENCY bounds what one worker holds', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'all',
      ...(await isolatedEnv()),
      PROCESSING_DELAY_MS: '600',
      WORKER_CONCURRENCY: '2',
    });
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  it('never holds more than WORKER_CONCURRENCY=2 jobs, and still settles them all', async () => {
    const bodies = Array.from({ length: 6 }, () => webhookBody());
    for (const body of bodies) await postWebhook(t, body).expect(202);

    let peak = 0;
    await waitFor(
      async () => {
        peak = Math.max(peak, await t.queue.getActiveCount());
        const states = await Promise.all(bodies.map((body) => getTransaction(t, body.transaction_id)));
        return states.map((res) => res.body.status);
      },
      (statuses) => statuses.every((status) => status === 'PROCESSED'),
      60000,
    );
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
  });
});
