import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SettlementGateway, SettlementRequest } from '@app/processing';
import { settlementJobId } from '@app/queue';
import { BULK_RETRY_BATCH } from '@app/transactions';
import { TestApp, isolatedEnv, startTestApp, uniqueId, waitFor } from '../support/test-app';

interface Row {
  transaction_id: string;
  status: string;
  attempts: number;
  enqueue_generation: number;
}

describe('bulk retry POST /v1/transactions/retry', () => {
  let api: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
    db = api.app.get(DataSource);
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  async function receive(): Promise<string> {
    const id = uniqueId('txn');
    const body = { transaction_id: id, source_account: 'user_acc_1', destination_account: 'merchant_acc_1', amount: 40, currency: 'INR' };
    await api.http().post('/v1/webhooks/transactions').send(body).expect(202);
    return id;
  }

  /** As the worker leaves a transaction whose every attempt failed, `failedAgo` ago. */
  async function markFailed(ids: string[], failedAgo = '0 seconds'): Promise<void> {
    await db.query(
      `UPDATE transactions SET status = 'FAILED', attempts = 5, last_error = 'gateway timeout', updated_at = now() - $2::interval
        WHERE transaction_id = ANY($1)`,
      [ids, failedAgo],
    );
  }

  async function rows(ids: string[]): Promise<Map<string, Row>> {
    const found: Row[] = await db.query(
      'SELECT transaction_id, status, attempts, enqueue_generation FROM transactions WHERE transaction_id = ANY($1)',
      [ids],
    );
    return new Map(found.map((row) => [row.transaction_id, row]));
  }

  const retryAll = (body: unknown) =>
    api
      .http()
      .post('/v1/transactions/retry')
      .send(body as object);

  it('re-queues every FAILED transaction, leaves the others alone, and answers how many', async () => {
    const [failedA, failedB, healthy] = [await receive(), await receive(), await receive()];
    await markFailed([failedA, failedB]);
    const before = await rows([failedA, failedB, healthy]);

    const res = await retryAll({ status: 'FAILED' }).expect(202);
    expect(res.body).toEqual({ requeued: 2 });

    const after = await rows([failedA, failedB, healthy]);
    for (const id of [failedA, failedB]) {
      const row = after.get(id)!;
      expect(row).toMatchObject({ status: 'PROCESSING', attempts: 0, enqueue_generation: before.get(id)!.enqueue_generation + 1 });
      // A fresh job for the new generation, as a single retry would enqueue.
      expect(await api.queue.getJob(settlementJobId(id, row.enqueue_generation))).toBeDefined();
    }
    expect(after.get(healthy)).toEqual(before.get(healthy));

    // Nothing FAILED is left: a second call finds nothing to do.
    await retryAll({ status: 'FAILED' }).expect(202, { requeued: 0 });
  });

  it('with since, re-queues only what failed at or after that instant', async () => {
    const [longAgo, recent] = [await receive(), await receive()];
    await markFailed([longAgo], '2 hours');
    await markFailed([recent], '1 minute');

    const since = new Date(Date.now() - 3600_000).toISOString();
    await retryAll({ status: 'FAILED', since }).expect(202, { requeued: 1 });
    const after = await rows([longAgo, recent]);
    expect(after.get(recent)!.status).toBe('PROCESSING');
    expect(after.get(longAgo)!.status).toBe('FAILED');

    await retryAll({ status: 'FAILED' }).expect(202, { requeued: 1 });
  });

  it('reads since with any offset, and a bare date as midnight UTC', async () => {
    const failed = await receive();
    await markFailed([failed], '2 hours');
    await retryAll({ status: 'FAILED', since: '2999-01-01' }).expect(202, { requeued: 0 });
    // Three hours ago, written in India's offset.
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000 + 5.5 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+05:30');
    await retryAll({ status: 'FAILED', since: threeHoursAgo }).expect(202, { requeued: 1 });
    expect((await rows([failed])).get(failed)!.status).toBe('PROCESSING');
  });

  it('re-queues sets larger than one batch, each exactly once', async () => {
    const count = BULK_RETRY_BATCH * 2 + 37;
    const prefix = uniqueId('many');
    await db.query(
      `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency, status, attempts, last_error)
       SELECT $1 || '_' || g, 'user_acc_1', 'merchant_acc_1', 1, 'INR', 'FAILED', 5, 'gateway timeout' FROM generate_series(1, $2::int) AS g`,
      [prefix, count],
    );
    const waitingBefore = await api.queue.getWaitingCount();

    await retryAll({ status: 'FAILED' }).expect(202, { requeued: count });
    const [{ processing }] = await db.query(
      `SELECT count(*)::int AS processing FROM transactions WHERE starts_with(transaction_id, $1) AND status = 'PROCESSING' AND enqueue_generation = 1`,
      [prefix],
    );
    expect(processing).toBe(count);
    expect((await api.queue.getWaitingCount()) - waitingBefore).toBe(count);
  });

  it.each([
    ['an empty body', {}, 'status'],
    ['another status', { status: 'PROCESSED' }, 'status'],
    ['a lower-case status', { status: 'failed' }, 'status'],
    ['a since that is not a date', { status: 'FAILED', since: 'yesterday' }, 'since'],
    ['an impossible date', { status: 'FAILED', since: '2026-13-01T00:00:00Z' }, 'since'],
    ['a since that is a number', { status: 'FAILED', since: 1764115200000 }, 'since'],
    ['a week date', { status: 'FAILED', since: '2026-W48' }, 'since'],
    ['an ordinal date', { status: 'FAILED', since: '2026-330' }, 'since'],
    ['a basic-format date', { status: 'FAILED', since: '20261126' }, 'since'],
    ['a basic-format time', { status: 'FAILED', since: '2026-11-26T0900Z' }, 'since'],
    ['February 30th', { status: 'FAILED', since: '2026-02-30T00:00:00Z' }, 'since'],
    ['a local time without an offset', { status: 'FAILED', since: '2026-11-26T09:00:00' }, 'since'],
  ])('answers 400 naming the field for %s', async (_name, body, field) => {
    const res = await retryAll(body)
      .expect(400)
      .expect('Content-Type', /application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
  });

  it('answers 400 for a body that is not a JSON object', async () => {
    await api.http().post('/v1/transactions/retry').set('content-type', 'application/json').send('[]').expect(400);
    await api.http().post('/v1/transactions/retry').set('content-type', 'text/plain').send('status=FAILED').expect(400);
  });
});

/** Declines every call until `healthy` is set: a provider outage and its recovery. */
@Injectable()
class FlakyGateway implements SettlementGateway {
  static healthy = false;

  async settle(request: SettlementRequest): Promise<void> {
    if (!FlakyGateway.healthy) throw new Error(`provider down for ${request.transactionId}`);
  }
}

describe('bulk retry with a worker', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(
      { APP_ROLE: 'all', ...(await isolatedEnv()), PROCESSING_MAX_ATTEMPTS: '1' },
      { processing: { settlementGateway: FlakyGateway } },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  const statusOf = (id: string, status: string) =>
    waitFor(
      () => app.http().get(`/v1/transactions/${id}`),
      (res) => res.body.status === status,
    );

  it('settles and posts once what failed during an outage, after the outage ends', async () => {
    const account = uniqueId('merchant');
    const ids = [uniqueId('txn'), uniqueId('txn')];
    for (const id of ids) {
      await app
        .http()
        .post('/v1/webhooks/transactions')
        .send({ transaction_id: id, source_account: 'user_acc_1', destination_account: account, amount: 10.25, currency: 'INR' })
        .expect(202);
    }
    for (const id of ids) await statusOf(id, 'FAILED');

    FlakyGateway.healthy = true;
    await app.http().post('/v1/transactions/retry').send({ status: 'FAILED' }).expect(202, { requeued: 2 });
    for (const id of ids) await statusOf(id, 'PROCESSED');

    const balance = await app.http().get(`/v1/accounts/${account}/balance`).expect(200);
    expect(balance.body).toEqual({ account_id: account, balances: { INR: '20.50' } });
  });
});
