import { DataSource } from 'typeorm';
import { SETTLEMENT_GATEWAY } from '@app/processing';
import { ScriptedGateway } from '../support/scripted-gateway';
import { type TestApp, startTestApp, testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

function webhook(id: string, amount = 25.5) {
  return { transaction_id: id, source_account: `src_${id}`, destination_account: `dst_${id}`, amount, currency: 'INR' };
}

describe('retries', () => {
  let databaseUrl: string;
  let prefix: string;
  let app: TestApp;
  let gateway: ScriptedGateway;

  const get = (id: string) => app.http().get(`/v1/transactions/${id}`);
  const balances = async (account: string) => (await app.http().get(`/v1/accounts/${account}/balance`).expect(200)).body.balances;
  const postingsOf = async (id: string): Promise<number> => {
    const [{ count }] = await app.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS count FROM ledger_postings p JOIN transactions t ON t.id = p.transaction_id WHERE t.transaction_id = $1`,
        [id],
      );
    return count;
  };
  const settled = (id: string, status: string) =>
    waitFor(
      () => get(id),
      (res) => res.body.status === status,
    );

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    prefix = testQueuePrefix();
    app = await startTestApp(
      { APP_ROLE: 'all', DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, PROCESSING_MAX_ATTEMPTS: '3', PROCESSING_BACKOFF_MS: '300' },
      { processing: { settlementGateway: ScriptedGateway } },
    );
    gateway = app.app.get(SETTLEMENT_GATEWAY, { strict: false });
  });

  afterEach(() => {
    gateway.release();
    gateway.alwaysFail = false;
  });

  afterAll(async () => {
    await app?.queue.obliterate({ force: true });
    await app?.close();
  });

  it('shows attempts and last_error while a failing call is retried, then posts once when it succeeds', async () => {
    const id = uniqueId('txn_flaky');
    gateway.failFirst.set(id, 2);
    await app.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    const retrying = await waitFor(
      () => get(id),
      (res) => res.body.attempts === 1,
    );
    expect(retrying.body).toMatchObject({ status: 'PROCESSING', last_error: 'provider declined attempt 1' });

    const done = await settled(id, 'PROCESSED');
    expect(done.body).toMatchObject({ attempts: 3, last_error: 'provider declined attempt 2' });
    expect(gateway.callsFor(id).map((call) => call.attempt)).toEqual([1, 2, 3]);
    expect(await postingsOf(id)).toBe(2);
    expect(await balances(`src_${id}`)).toEqual({ INR: '-25.50' });
    expect(await balances(`dst_${id}`)).toEqual({ INR: '25.50' });
  });

  it('backs off exponentially from PROCESSING_BACKOFF_MS between attempts', async () => {
    const id = uniqueId('txn_backoff');
    gateway.failFirst.set(id, 2);
    await app.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await settled(id, 'PROCESSED');
    const [first, second, third] = gateway.callsFor(id).map((call) => call.at);
    // Lower bounds only: a busy machine makes the gaps longer, never shorter.
    expect(second - first).toBeGreaterThanOrEqual(300 - 5);
    expect(third - second).toBeGreaterThanOrEqual(600 - 5);
  });

  it('marks a transaction FAILED after PROCESSING_MAX_ATTEMPTS and posts nothing', async () => {
    const id = uniqueId('txn_doomed');
    gateway.alwaysFail = true;
    await app.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    const failed = await settled(id, 'FAILED');
    expect(failed.body).toMatchObject({ attempts: 3, last_error: 'provider declined attempt 3', processed_at: null });
    expect(gateway.callsFor(id)).toHaveLength(3);
    expect(await postingsOf(id)).toBe(0);
    expect(await balances(`src_${id}`)).toEqual({});
  });

  it('re-queues a FAILED transaction on POST retry (202), which then posts exactly once', async () => {
    const id = uniqueId('txn_retry');
    gateway.alwaysFail = true;
    await app.http().post('/v1/webhooks/transactions').send(webhook(id, 7)).expect(202);
    await settled(id, 'FAILED');

    gateway.alwaysFail = false;
    const retried = await app.http().post(`/v1/transactions/${id}/retry`).expect(202);
    expect(retried.body).toMatchObject({ transaction_id: id, status: 'PROCESSING', attempts: 0 });

    const done = await settled(id, 'PROCESSED');
    expect(done.body.attempts).toBe(1);
    expect(await postingsOf(id)).toBe(2);
    expect(await balances(`dst_${id}`)).toEqual({ INR: '7.00' });
    // Settled now: a second retry is refused and changes nothing.
    await app.http().post(`/v1/transactions/${id}/retry`).expect(409);
    expect(await postingsOf(id)).toBe(2);
  });

  it('re-queues once when the same FAILED transaction is retried twice at once', async () => {
    const id = uniqueId('txn_double_retry');
    gateway.alwaysFail = true;
    await app.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await settled(id, 'FAILED');
    gateway.alwaysFail = false;

    const answers = await Promise.all([1, 2].map(() => app.http().post(`/v1/transactions/${id}/retry`)));
    expect(answers.map((res) => res.status).sort()).toEqual([202, 409]);
    await settled(id, 'PROCESSED');
    expect(gateway.callsFor(id).filter((call) => call.attempt === 1)).toHaveLength(2); // the first try, and the retry
    expect(await postingsOf(id)).toBe(2);
  });

  it('refuses to retry a transaction that is still PROCESSING (409 problem)', async () => {
    const id = uniqueId('txn_busy');
    gateway.hold();
    await app.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      async () => gateway.callsFor(id).length,
      (n) => n === 1,
    );

    const res = await app.http().post(`/v1/transactions/${id}/retry`).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409 });
    gateway.release();
    await settled(id, 'PROCESSED');
  });

  it('answers 404 to a retry of an unknown transaction', async () => {
    const res = await app
      .http()
      .post(`/v1/transactions/${uniqueId('txn_nobody')}/retry`)
      .expect(404);
    expect(res.body).toMatchObject({ status: 404 });
  });
});

describe('the processing policy belongs to the worker', () => {
  let databaseUrl: string;
  let prefix: string;
  let api: TestApp;
  const workers: TestApp[] = [];

  const startWorker = async (env: Record<string, string>) => {
    const worker = await startTestApp(
      { APP_ROLE: 'worker', DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, ...env },
      { processing: { settlementGateway: ScriptedGateway } },
    );
    worker.app.get<ScriptedGateway>(SETTLEMENT_GATEWAY, { strict: false }).alwaysFail = true;
    workers.push(worker);
    return worker;
  };
  const get = (id: string) => api.http().get(`/v1/transactions/${id}`);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    prefix = testQueuePrefix();
    // The API's own policy values would give ten attempts: they must not matter.
    api = await startTestApp({ APP_ROLE: 'api', DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, PROCESSING_MAX_ATTEMPTS: '10' });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await api?.queue.obliterate({ force: true });
    await api?.close();
  });

  it('applies the worker’s max attempts to a job queued before the worker started', async () => {
    const id = uniqueId('txn_queued_early');
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    const worker = await startWorker({ PROCESSING_MAX_ATTEMPTS: '2', PROCESSING_BACKOFF_MS: '50' });
    const failed = await waitFor(
      () => get(id),
      (res) => res.body.status === 'FAILED',
    );
    expect(failed.body.attempts).toBe(2);
    await worker.close();
  });

  it('applies a restarted worker’s new max attempts to a job the old worker was retrying', async () => {
    const id = uniqueId('txn_policy_change');
    const lenient = await startWorker({ PROCESSING_MAX_ATTEMPTS: '10', PROCESSING_BACKOFF_MS: '500' });
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      () => get(id),
      (res) => res.body.attempts >= 1,
    );
    await lenient.close();

    await startWorker({ PROCESSING_MAX_ATTEMPTS: '2', PROCESSING_BACKOFF_MS: '50' });
    const failed = await waitFor(
      () => get(id),
      (res) => res.body.status === 'FAILED',
    );
    // Under the old policy it would still be retrying until attempt 10.
    expect(failed.body.attempts).toBeLessThan(10);
  });

  it('fails without another call a job whose attempts already exceed a lowered max', async () => {
    const id = uniqueId('txn_policy_lowered');
    for (const earlier of workers.splice(0)) await earlier.close(); // only this test's workers consume
    const lenient = await startWorker({ PROCESSING_MAX_ATTEMPTS: '10', PROCESSING_BACKOFF_MS: '50' });
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);
    await waitFor(
      () => get(id),
      (res) => res.body.attempts >= 3,
    );
    await lenient.close();
    const attemptsSoFar = (await get(id)).body.attempts as number;

    const strict = await startWorker({ PROCESSING_MAX_ATTEMPTS: '2', PROCESSING_BACKOFF_MS: '50' });
    const failed = await waitFor(
      () => get(id),
      (res) => res.body.status === 'FAILED',
    );
    expect(failed.body.attempts).toBe(attemptsSoFar);
    expect(strict.app.get<ScriptedGateway>(SETTLEMENT_GATEWAY, { strict: false }).callsFor(id)).toEqual([]);
  });
});
