import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { SETTLEMENT_GATEWAY, SettlementProcessor } from '@app/processing';
import { SettlementQueue, settlementJobId, shardOf } from '@app/queue';
import { expectLedgerConsistent } from '../support/ledger-check';
import { sampleValue } from '../support/prometheus-text';
import { ScriptedGateway } from '../support/scripted-gateway';
import { EXPECTS_FAILURE_ENV, type TestApp, postWebhook, startTestApp, testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';
import { type WebhookPayload, makePayloads } from '../support/webhooks';

/** `count` fresh transaction ids whose shard out of `shards` is `shard`. */
function idsInShard(shard: number, shards: number, count: number, label = 'txn'): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = uniqueId(`${label}${i}`);
    if (shardOf(id, shards) === shard) ids.push(id);
  }
  return ids;
}

function payloadFor(id: string): WebhookPayload {
  return { transaction_id: id, source_account: 'user_acc_1', destination_account: 'merchant_acc_1', amount: 10.5, currency: 'INR' };
}

describe('queue shards (QUEUE_SHARDS)', () => {
  let databaseUrl: string;
  let db: Pool;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = new Pool({ connectionString: databaseUrl, max: 2 });
  });

  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) {
      for (const { queue } of app.app.get(SettlementQueue).knownQueues()) await queue.obliterate({ force: true }).catch(() => undefined);
      await app.close();
    }
  });

  afterAll(async () => {
    await db.end();
  });

  const start = async (env: Record<string, string>): Promise<TestApp> => {
    const app = await startTestApp({ DATABASE_URL: databaseUrl, ...env }, { processing: { settlementGateway: ScriptedGateway } });
    apps.push(app);
    return app;
  };
  const gatewayOf = (app: TestApp) => app.app.get<ScriptedGateway>(SETTLEMENT_GATEWAY, { strict: false });
  const statusOf = async (ids: string[]): Promise<Record<string, number>> => {
    const { rows } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM transactions WHERE transaction_id = ANY($1) GROUP BY status',
      [ids],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  };
  const allProcessed = (ids: string[]) =>
    waitFor(
      `${ids.length} transactions to be PROCESSED`,
      () => statusOf(ids),
      (counts) => counts.PROCESSED === ids.length,
      60_000,
      200,
    );
  const receive = async (app: TestApp, ids: string[]) => {
    for (const id of ids) await postWebhook(app, payloadFor(id)).expect(202);
  };
  const activeJobs = async (app: TestApp) =>
    (await Promise.all(app.queues.map((queue) => queue.getActiveCount()))).reduce((a, b) => a + b, 0);

  it("puts each transaction's job in its shard's queue, under its own hash tag, and processes every shard", async () => {
    const prefix = testQueuePrefix();
    const app = await start({ APP_ROLE: 'all', QUEUE_PREFIX: prefix, QUEUE_SHARDS: '4' });
    expect(app.queues.map((queue) => queue.toKey('wait'))).toEqual([0, 1, 2, 3].map((k) => `${prefix}:{settlement-${k}}:wait`));
    const ids = [0, 1, 2, 3].flatMap((shard) => idsInShard(shard, 4, 3));
    await receive(app, ids);
    await allProcessed(ids);
    for (const id of ids) {
      const found = await Promise.all(app.queues.map((queue) => queue.getJob(settlementJobId(id, 0))));
      expect(found.map((job) => job !== undefined)).toEqual([0, 1, 2, 3].map((k) => k === shardOf(id, 4)));
    }
    expect(ids.map((id) => gatewayOf(app).callsFor(id).length)).toEqual(ids.map(() => 1));
  });

  it('holds at most WORKER_CONCURRENCY jobs across all shards, and gives all of it to one shard with a backlog', async () => {
    const app = await start({ APP_ROLE: 'all', QUEUE_PREFIX: testQueuePrefix(), QUEUE_SHARDS: '4', WORKER_CONCURRENCY: '3' });
    const gateway = gatewayOf(app);
    gateway.hold();
    // One shard's backlog alone takes every permit (a fixed split of 3 over 4 shards could not).
    const backlog = idsInShard(2, 4, 6, 'hot');
    await receive(app, backlog);
    await waitFor(
      'three calls in flight',
      async () => gateway.calls.length,
      (n) => n === 3,
    );
    // Work in every other shard: four workers of concurrency 3 each would now hold up to 12.
    const others = [0, 1, 3].flatMap((shard) => idsInShard(shard, 4, 2, 'cold'));
    await receive(app, others);
    for (let look = 0; look < 10; look++) {
      expect(await activeJobs(app)).toBeLessThanOrEqual(3);
      expect(gateway.calls.length).toBe(3);
      expect(app.app.get(SettlementProcessor).concurrencyLimit?.inUse).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    gateway.release();
    await allProcessed([...backlog, ...others]);
  });

  it("does not starve a shard behind another shard's backlog", async () => {
    const app = await start({ APP_ROLE: 'all', QUEUE_PREFIX: testQueuePrefix(), QUEUE_SHARDS: '4', WORKER_CONCURRENCY: '2' });
    const gateway = gatewayOf(app);
    const limit = app.app.get(SettlementProcessor).concurrencyLimit!;
    gateway.hold();
    const backlog = idsInShard(0, 4, 30, 'deep');
    await receive(app, backlog);
    await waitFor(
      'both permits taken by the backlog',
      async () => gateway.calls.length,
      (n) => n === 2,
    );
    const [lonely] = idsInShard(1, 4, 1, 'lonely');
    await receive(app, [lonely]);
    await waitFor(
      "shard 1's worker to wait for a permit",
      async () => limit.waiting,
      (n) => n >= 1,
    );
    gateway.release();
    await allProcessed([...backlog, lonely]);
    // First come, first served: shard 1 gets one of the first permits that free up, not the last.
    const position = gateway.calls.findIndex((call) => call.transactionId === lonely);
    expect(position).toBeGreaterThanOrEqual(2);
    expect(position).toBeLessThanOrEqual(4);
  });

  it('reports queue depth per shard, and /health/worker across all shards', async () => {
    // The 503 below is expected: its error-level log line would only be noise in the test output.
    const api = await start({ APP_ROLE: 'api', QUEUE_PREFIX: testQueuePrefix(), QUEUE_SHARDS: '4', ...EXPECTS_FAILURE_ENV });
    const ids = [idsInShard(0, 4, 1), idsInShard(1, 4, 2), idsInShard(3, 4, 3)].flat();
    await receive(api, ids);
    const text = (await api.http().get('/metrics').expect(200)).text;
    const waiting = (shard: string) => sampleValue(text, 'paycheck_queue_jobs', { state: 'waiting', shard });
    expect(['0', '1', '2', '3'].map(waiting)).toEqual([1, 2, 0, 3]);
    expect(sampleValue(text, 'paycheck_queue_jobs', { state: 'waiting', shard: '4' })).toBeUndefined();

    const down = await api.http().get('/health/worker').expect(503);
    expect(down.body.details.queue).toMatchObject({ status: 'down', workers: 0, shards: 4, waiting: 6 });

    const worker = await start({ APP_ROLE: 'worker', QUEUE_PREFIX: api.config.queuePrefix, QUEUE_SHARDS: '4' });
    const up = await waitFor(
      'the worker to be seen on every shard',
      async () => api.http().get('/health/worker'),
      (res) => res.status === 200,
    );
    expect(up.body.details.queue).toMatchObject({ status: 'up', workers: expect.any(Number), shards: 4 });
    expect(up.body.details.queue.workers).toBeGreaterThanOrEqual(1);
    await allProcessed(ids);
    expect(gatewayOf(worker).calls).toHaveLength(6);
  });

  it('shows one dashboard entry per shard', async () => {
    const api = await start({ APP_ROLE: 'api', QUEUE_PREFIX: testQueuePrefix(), QUEUE_SHARDS: '4' });
    const res = await api.http().get('/admin/queues/api/queues').expect(200);
    const names = (res.body.queues as Array<{ name: string; displayName: string }>).map((queue) => [queue.name, queue.displayName]);
    expect(names).toEqual([0, 1, 2, 3].map((k) => [`{settlement-${k}}`, `settlement shard ${k}`]));
  });

  it('single and bulk retry re-queue FAILED transactions of every shard, each in its own shard', async () => {
    const api = await start({ APP_ROLE: 'api', QUEUE_PREFIX: testQueuePrefix(), QUEUE_SHARDS: '4' });
    const ids = [0, 1, 2, 3].flatMap((shard) => idsInShard(shard, 4, 2, 'bulk'));
    await receive(api, ids);
    await db.query(`UPDATE transactions SET status = 'FAILED', attempts = 5, last_error = 'declined' WHERE transaction_id = ANY($1)`, [
      ids,
    ]);
    const [single, ...bulk] = ids;
    await api.http().post(`/v1/transactions/${single}/retry`).expect(202);
    await api.http().post('/v1/transactions/retry').send({ status: 'FAILED' }).expect(202, { requeued: bulk.length });
    for (const id of ids) {
      const found = await Promise.all(api.queues.map((queue) => queue.getJob(settlementJobId(id, 1))));
      expect(found.map((job) => job !== undefined)).toEqual([0, 1, 2, 3].map((k) => k === shardOf(id, 4)));
    }
  });

  it('loses and doubles nothing when QUEUE_SHARDS changes: old layouts are drained, orphans swept', async () => {
    const prefix = testQueuePrefix();
    // A database of its own: the ledger check reads every row.
    const ownDatabase = await createTestDatabase();
    const ownDb = new Pool({ connectionString: ownDatabase, max: 2 });
    const started = (env: Record<string, string>) => start({ DATABASE_URL: ownDatabase, QUEUE_PREFIX: prefix, ...env });
    // Queued by an API with one shard, then by one with four, while no worker runs.
    const payloads = makePayloads(24, uniqueId('layout'));
    const single = await started({ APP_ROLE: 'api', QUEUE_SHARDS: '1' });
    for (const payload of payloads.slice(0, 12)) await postWebhook(single, payload).expect(202);
    expect(await single.queue.getWaitingCount()).toBe(12);
    const quad = await started({ APP_ROLE: 'api', QUEUE_SHARDS: '4' });
    for (const payload of payloads.slice(12, 22)) await postWebhook(quad, payload).expect(202);
    // Two rows whose jobs are in no shard (lost from Redis), one from each layout.
    const lost = [payloads[22], payloads[23]];
    await postWebhook(single, lost[0]).expect(202);
    await postWebhook(quad, lost[1]).expect(202);
    await single.queue.remove(settlementJobId(lost[0].transaction_id, 0));
    await quad.app.get(SettlementQueue).queueFor(lost[1].transaction_id).remove(settlementJobId(lost[1].transaction_id, 0));
    await db.query(`UPDATE transactions SET updated_at = now() - interval '1 minute' WHERE transaction_id = ANY($1)`, [
      lost.map((payload) => payload.transaction_id),
    ]);

    // Workers now run with a third layout, two shards.
    const worker = await started({ APP_ROLE: 'worker', QUEUE_SHARDS: '2', RECONCILE_INTERVAL_MS: '500' });
    const ids = payloads.map((payload) => payload.transaction_id);
    await waitFor(
      'every transaction to be PROCESSED',
      async () => (await ownDb.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE status = 'PROCESSED'`)).rows[0].n,
      (n) => n === ids.length,
      60_000,
      200,
    );
    const gateway = gatewayOf(worker);
    expect(ids.filter((id) => gateway.callsFor(id).length !== 1)).toEqual([]);
    const consumed = worker.app.get(SettlementQueue).knownQueues();
    expect(consumed.map(({ name, shard }) => [name, shard])).toEqual([
      ['{settlement-0}', '0'],
      ['{settlement-1}', '1'],
      ['settlement', 'old-settlement'],
      ['{settlement-2}', 'old-{settlement-2}'],
      ['{settlement-3}', 'old-{settlement-3}'],
    ]);

    const server = (await single.app.listen(0, '127.0.0.1')) as Server;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expectLedgerConsistent(ownDb, url, new Map(payloads.map((payload) => [payload.transaction_id, payload])));
    } finally {
      await ownDb.end();
    }
  });
});
