import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@app/database';
import { RecoverySweep, SETTLEMENT_GATEWAY, SettlementProcessor } from '@app/processing';
import { SETTLEMENT_QUEUE, redisConnectionOptions, settlementJobId } from '@app/queue';
import { TransactionsRepository } from '@app/transactions';
import { sampleValue } from '../support/prometheus-text';
import { ScriptedGateway } from '../support/scripted-gateway';
import { type TestApp, startTestApp, testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

/** Nothing listens on port 1: a Redis that is down. */
const CLOSED_REDIS_URL = 'redis://127.0.0.1:1';
/** A worker with nothing in hand and no Redis to report to has nothing to wait for. */
const UNREACHABLE_REDIS_CLOSE_BOUND_MS = 5000;

function webhook(id: string) {
  return { transaction_id: id, source_account: `src_${id}`, destination_account: `dst_${id}`, amount: 12.34, currency: 'INR' };
}

interface Row {
  status: string;
  attempts: number;
  enqueue_generation: number;
  postings: number;
}

describe('recovery', () => {
  let databaseUrl: string;
  let prefix: string;
  let db: Pool;
  const apps: TestApp[] = [];
  const gateways = new Map<TestApp, ScriptedGateway>();

  const start = async (env: Record<string, string>) => {
    const app = await startTestApp(
      { DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, ...env },
      { processing: { settlementGateway: ScriptedGateway } },
    );
    apps.push(app);
    // Only roles that process have a gateway (asking an API app for one would abort the process).
    if (env.APP_ROLE !== 'api') gateways.set(app, app.app.get<ScriptedGateway>(SETTLEMENT_GATEWAY, { strict: false }));
    return app;
  };
  const gatewayOf = (app: TestApp): ScriptedGateway => {
    const gateway = gateways.get(app);
    if (!gateway) throw new Error('this app does not process');
    return gateway;
  };
  const rowOf = async (id: string): Promise<Row | undefined> =>
    (
      await db.query<Row>(
        `SELECT status, attempts, enqueue_generation,
                (SELECT count(*)::int FROM ledger_postings p WHERE p.transaction_id = t.id) AS postings
           FROM transactions t WHERE transaction_id = $1`,
        [id],
      )
    ).rows[0];
  /**
   * The job's lock expires (as after a long event-loop stall); BullMQ's stalled check, run by
   * hand twice (the first marks suspects, the second moves those without a lock), hands it back.
   */
  const loseLockAndRedeliver = async (worker: TestApp, id: string) => {
    const redis = await worker.queue.getBackend().client;
    await redis.del(`${worker.queue.toKey(settlementJobId(id, 0))}:lock`);
    const bull = worker.app.get(SettlementProcessor).workerOf(SETTLEMENT_QUEUE) as unknown as { moveStalledJobsToWait(): Promise<void> };
    for (let i = 0; i < 2; i++) {
      await redis.del(worker.queue.keys['stalled-check']);
      await bull.moveStalledJobsToWait();
    }
  };
  const metrics = async (app: TestApp): Promise<string> => (await app.http().get('/metrics').expect(200)).text;
  const processed = (id: string) =>
    waitFor(
      () => rowOf(id),
      (row) => row?.status === 'PROCESSED',
    );
  /** As if the row had been waiting for a while: the sweep leaves rows younger than 5 s to intake. */
  const age = (ids: string[]) =>
    db.query(`UPDATE transactions SET updated_at = now() - interval '1 minute' WHERE transaction_id = ANY($1)`, [ids]);

  beforeEach(async () => {
    databaseUrl = await createTestDatabase();
    prefix = testQueuePrefix();
    db = new Pool({ connectionString: databaseUrl, max: 4 });
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) {
      gateways.get(app)?.release();
      await app.close();
    }
    gateways.clear();
    await db.end();
  });

  afterAll(async () => {
    // A throwaway app to reach Redis and drop this file's queues.
    const cleaner = await startTestApp({ APP_ROLE: 'api', DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix });
    await cleaner.queue.obliterate({ force: true });
    await cleaner.close();
  });

  it('enqueues, soon after a worker boots, transactions accepted while Redis was down or whose job was removed', async () => {
    const offline = await start({ APP_ROLE: 'api', REDIS_URL: CLOSED_REDIS_URL });
    const whileDown = uniqueId('txn_redis_down');
    const res = await offline.http().post('/v1/webhooks/transactions').send(webhook(whileDown)).expect(202);
    expect(res.body.status).toBe('PROCESSING');

    const api = await start({ APP_ROLE: 'api' });
    const removed = uniqueId('txn_removed');
    await api.http().post('/v1/webhooks/transactions').send(webhook(removed)).expect(202);
    expect(await api.queue.remove(settlementJobId(removed, 0))).toBe(1);
    await age([whileDown, removed]);

    // The interval is an hour (FAST_ENV): only the sweep on connecting can pick these up.
    await start({ APP_ROLE: 'worker' });
    for (const id of [whileDown, removed]) {
      expect(await processed(id)).toMatchObject({ attempts: 1, enqueue_generation: 0, postings: 2 });
    }
  });

  it('gives a new generation to a transaction whose job failed while the row stayed PROCESSING', async () => {
    const api = await start({ APP_ROLE: 'api' });
    const id = uniqueId('txn_job_failed');
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    // Fail the job by hand, as an unexpected error (or too many stalls) would.
    const hand = new Worker(SETTLEMENT_QUEUE, null, { connection: redisConnectionOptions(api.config.redisUrl), prefix, autorun: false });
    const job = await hand.getNextJob('test-token');
    expect(job?.id).toBe(settlementJobId(id, 0));
    await job.moveToFailed(new Error('unexpected'), 'test-token', false);
    await hand.close();
    await age([id]);

    await start({ APP_ROLE: 'worker' });
    expect(await processed(id)).toMatchObject({ attempts: 1, enqueue_generation: 1, postings: 2 });
  });

  it('re-enqueues each orphan once when two workers sweep at the same moment', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => uniqueId(`txn_orphan_${i}`));
    for (const id of ids) {
      await db.query(
        `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency, updated_at)
         VALUES ($1, 'orphan_src', 'orphan_dst', 1.25, 'INR', now() - interval '1 minute')`,
        [id],
      );
    }
    const [first, second] = await Promise.all([start({ APP_ROLE: 'worker' }), start({ APP_ROLE: 'worker' })]);
    await Promise.all(ids.map(processed));

    const results = await Promise.all([first, second].map((app) => app.app.get(RecoverySweep).sweep()));
    expect(results.every((n) => n === 0 || n === undefined)).toBe(true);
    expect(await first.queue.getJobCountByTypes('completed', 'failed', 'waiting', 'active', 'delayed')).toBe(ids.length);
    const { rows } = await db.query<{ balance: string }>(
      `SELECT sum(amount)::text AS balance FROM ledger_postings WHERE account_id = 'orphan_dst'`,
    );
    expect(rows[0].balance).toBe('25.00');
    const calls = gatewayOf(first).calls.length + gatewayOf(second).calls.length;
    expect(calls).toBe(ids.length);
  });

  it('posts once when a job whose lock was lost mid-call is delivered again, and the worker carries on', async () => {
    const worker = await start({ APP_ROLE: 'all' });
    const gateway = gatewayOf(worker);
    gateway.hold();
    const id = uniqueId('txn_lock_lost');
    await worker.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      async () => gateway.callsFor(id).length,
      (n) => n === 1,
    );

    await loseLockAndRedeliver(worker, id);
    await waitFor(
      async () => gateway.callsFor(id).length,
      (n) => n === 2,
    );

    gateway.release();
    expect(await processed(id)).toMatchObject({ attempts: 1, postings: 2 });
    const next = uniqueId('txn_after_lock_loss');
    await worker.http().post('/v1/webhooks/transactions').send(webhook(next)).expect(202);
    expect(await processed(next)).toMatchObject({ postings: 2 });
    expect(await rowOf(id)).toMatchObject({ status: 'PROCESSED', postings: 2 });
  });

  it("moves a transaction a redelivery marked FAILED to PROCESSED when the first delivery's call succeeds after all", async () => {
    const worker = await start({ APP_ROLE: 'all', PROCESSING_MAX_ATTEMPTS: '1' });
    const gateway = gatewayOf(worker);
    const id = uniqueId('txn_late_success');
    // Call A (the first) is held; call B, the redelivery's, fails on the last allowed attempt.
    gateway.hold((request) => request.transactionId === id && gateway.callsFor(id).length === 1);
    gateway.failFirst.set(id, 1);
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined); // asserted below, kept out of the output
    const lateBefore = sampleValue(await metrics(worker), 'paycheck_settlement_late_success_total');
    await worker.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      async () => gateway.callsFor(id).length,
      (n) => n === 1,
    );

    await loseLockAndRedeliver(worker, id);
    expect(
      await waitFor(
        () => rowOf(id),
        (row) => row?.status === 'FAILED',
      ),
    ).toMatchObject({ status: 'FAILED', attempts: 1, postings: 0 });
    expect(gateway.callsFor(id)).toHaveLength(2);

    gateway.release();
    expect(await processed(id)).toMatchObject({ status: 'PROCESSED', postings: 2 });
    expect(sampleValue(await metrics(worker), 'paycheck_settlement_late_success_total')).toBe((lateBefore ?? 0) + 1);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ transaction_id: id, outcome: 'late_success' }));
    errors.mockRestore();
    // Never backwards from PROCESSED, and posted once.
    expect(await rowOf(id)).toMatchObject({ status: 'PROCESSED', postings: 2 });
  });

  it('records a call that answers successfully after its deadline, even once the transaction is FAILED', async () => {
    const worker = await start({ APP_ROLE: 'all', PROCESSING_MAX_ATTEMPTS: '1', SETTLEMENT_TIMEOUT_MS: '300' });
    const gateway = gatewayOf(worker);
    const id = uniqueId('txn_late_answer');
    // The scripted gateway ignores the abort signal: the held call outlives its deadline.
    gateway.hold((request) => request.transactionId === id);
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined); // asserted below, kept out of the output
    const lateBefore = sampleValue(await metrics(worker), 'paycheck_settlement_late_success_total');
    await worker.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    const failed = await waitFor(
      () => rowOf(id),
      (row) => row?.status === 'FAILED',
    );
    expect(failed).toMatchObject({ attempts: 1, postings: 0 });
    expect((await worker.http().get(`/v1/transactions/${id}`).expect(200)).body.last_error).toBe('settlement call timed out after 300 ms');

    gateway.release();
    expect(await processed(id)).toMatchObject({ status: 'PROCESSED', postings: 2 });
    expect(gateway.callsFor(id)).toHaveLength(1);
    expect(sampleValue(await metrics(worker), 'paycheck_settlement_late_success_total')).toBe((lateBefore ?? 0) + 1);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ transaction_id: id, outcome: 'late_success' }));
    errors.mockRestore();
  });

  it('finishes the job in hand when closed, before the database goes away', async () => {
    const worker = await start({ APP_ROLE: 'all' });
    const gateway = gatewayOf(worker);
    gateway.hold();
    const id = uniqueId('txn_in_hand');
    await worker.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      async () => gateway.callsFor(id).length,
      (n) => n === 1,
    );

    apps.splice(apps.indexOf(worker), 1);
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    // The processor has stopped fetching: shutdown has reached it, and it waits for the job in hand.
    const bull = worker.app.get(SettlementProcessor).workerOf(SETTLEMENT_QUEUE)!;
    await waitFor(
      async () => bull.isPaused(),
      (paused) => paused,
    );
    expect(closed).toBe(false);
    gateway.release();
    await closing;
    expect(await rowOf(id)).toMatchObject({ status: 'PROCESSED', postings: 2 });
  });

  it('closes a worker at once while Redis is unreachable', async () => {
    const worker = await start({ APP_ROLE: 'worker', REDIS_URL: CLOSED_REDIS_URL });
    apps.splice(apps.indexOf(worker), 1);
    const started = Date.now();
    const outcome = await Promise.race([
      worker.close().then(() => 'closed'),
      sleep(UNREACHABLE_REDIS_CLOSE_BOUND_MS * 3).then(() => 'still closing'),
    ]);
    expect(outcome).toBe('closed');
    expect(Date.now() - started).toBeLessThan(UNREACHABLE_REDIS_CLOSE_BOUND_MS);
  });
});

describe('a settlement cut off by a hung PostgreSQL', () => {
  let dataSource: DataSource;

  afterAll(() => dataSource?.destroy());

  it('never leaves a transaction PROCESSED without its ledger legs when its statements time out', async () => {
    const databaseUrl = await createTestDatabase();
    const options = buildDataSourceOptions(databaseUrl, { max: 1 });
    // One pooled connection, so the next settlement borrows the one the failed settlement used.
    dataSource = new DataSource({ ...options, extra: { ...(options.extra as object), max: 1, query_timeout: 300 } });
    await dataSource.initialize();
    const transactions = new TransactionsRepository(dataSource);
    // Both legs, as the ledger writes them, in the same database transaction as PROCESSED.
    const settle = (id: string) =>
      transactions.completeProcessingBatch([id], async (manager, [{ transaction: row }]) => {
        await manager.query(
          `INSERT INTO ledger_postings (transaction_id, account_id, side, amount, currency)
           VALUES ($1, $2, 'debit', -($4::numeric), $5), ($1, $3, 'credit', $4::numeric, $5)`,
          [row.id, row.sourceAccount, row.destinationAccount, row.amount, row.currency],
        );
      });
    const [cut, next] = [uniqueId('txn_cut'), uniqueId('txn_next')];
    await dataSource.query(
      `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
       VALUES ($1, 'hung_src', 'hung_dst', 5.00, 'INR'), ($2, 'hung_src', 'hung_dst', 5.00, 'INR')`,
      [cut, next],
    );

    // A row lock held elsewhere makes the guarded UPDATE hang, as a frozen server would; it and
    // then its ROLLBACK time out on the client.
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM transactions WHERE transaction_id = $1 FOR UPDATE', [cut]);
    await expect(settle(cut)).rejects.toThrow('Query read timeout');
    await blocker.query('COMMIT'); // PostgreSQL answers again: the hung UPDATE runs
    await blocker.end();

    await expect(settle(next)).resolves.toMatchObject([{ transaction: { status: 'PROCESSED' }, previousStatus: 'PROCESSING' }]);
    const rows = await dataSource.query(
      `SELECT t.transaction_id, t.status, count(p.id)::int AS legs
         FROM transactions t LEFT JOIN ledger_postings p ON p.transaction_id = t.id
        GROUP BY t.transaction_id, t.status ORDER BY t.transaction_id`,
    );
    expect(rows).toEqual(
      [
        { transaction_id: cut, status: 'PROCESSING', legs: 0 },
        { transaction_id: next, status: 'PROCESSED', legs: 2 },
      ].sort((a, b) => a.transaction_id.localeCompare(b.transaction_id)),
    );
  });
});
