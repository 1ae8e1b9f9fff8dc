import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { RecoverySweep, SettlementGateway, SettlementRequest } from '@app/processing';
import { metricNames, sampleValue } from '../support/prometheus-text';
import { TestApp, isolatedEnv, startTestApp, uniqueId, waitFor } from '../support/test-app';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function body(id: string, amount = 2500): string {
  return JSON.stringify({
    transaction_id: id,
    source_account: 'user_acc_1',
    destination_account: 'merchant_acc_1',
    amount,
    currency: 'INR',
  });
}

function signed(payload: string, secret = SECRET): Record<string, string> {
  const msgId = uniqueId('msg');
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, at, payload),
  };
}

async function scrape(app: TestApp): Promise<string> {
  const res = await app.http().get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

const value = (text: string, name: string, labels: Record<string, string> = {}) => sampleValue(text, name, labels) ?? NaN;

describe('metrics on the API role', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()), WEBHOOK_SECRET: SECRET });
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  const post = (payload: string, headers: Record<string, string>) => {
    const req = api.http().post('/v1/webhooks/transactions');
    for (const [name, val] of Object.entries(headers)) req.set(name, val);
    return req.send(payload);
  };

  it('serves the default Node process metrics beside its own', async () => {
    const names = metricNames(await scrape(api));
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'paycheck_webhooks_received_total',
        'paycheck_webhook_ack_seconds',
        'paycheck_transactions_processed_total',
        'paycheck_processing_seconds',
        'paycheck_queue_jobs',
        'paycheck_reconciled_total',
      ]),
    );
  });

  it('counts accepted, duplicate, conflict, rejected and unauthorized deliveries by the right amounts', async () => {
    const before = await scrape(api);
    const id = uniqueId('txn');
    await post(body(id), signed(body(id))).expect(202);
    await post(body(id), signed(body(id)))
      .expect(202)
      .expect('Idempotent-Replayed', 'true');
    await post(body(id), signed(body(id)))
      .expect(202)
      .expect('Idempotent-Replayed', 'true');
    await post(body(id, 99), signed(body(id, 99))).expect(409);
    const invalid = body(uniqueId('txn'), -1);
    await post(invalid, signed(invalid)).expect(400);
    await post('amount=1', { 'content-type': 'text/plain' }).expect(415);
    const huge = JSON.stringify({ padding: 'x'.repeat(200 * 1024) });
    await post(huge, signed(huge)).expect(413);
    await post(body(uniqueId('txn')), signed(body('other'))).expect(401);
    await post(body(uniqueId('txn')), { 'content-type': 'application/json' }).expect(401);
    const after = await scrape(api);

    const delta = (outcome: string) =>
      value(after, 'paycheck_webhooks_received_total', { provider: 'native', outcome }) -
      value(before, 'paycheck_webhooks_received_total', { provider: 'native', outcome });
    expect({
      accepted: delta('accepted'),
      duplicate: delta('duplicate'),
      conflict: delta('conflict'),
      rejected: delta('rejected'),
      unauthorized: delta('unauthorized'),
    }).toEqual({ accepted: 1, duplicate: 2, conflict: 1, rejected: 3, unauthorized: 2 });
    // The acknowledgement histogram holds the 202s only.
    expect(value(after, 'paycheck_webhook_ack_seconds_count') - value(before, 'paycheck_webhook_ack_seconds_count')).toBe(3);
    expect(value(after, 'paycheck_webhook_ack_seconds_sum')).toBeGreaterThan(value(before, 'paycheck_webhook_ack_seconds_sum'));
  });

  it('counts HTTP responses by route template, not by raw path', async () => {
    const before = await scrape(api);
    await api
      .http()
      .get(`/v1/transactions/${uniqueId('missing')}`)
      .expect(404);
    await api
      .http()
      .get(`/v1/transactions/${uniqueId('missing')}`)
      .expect(404);
    const after = await scrape(api);
    const labels = { method: 'GET', route: '/v1/transactions/:transaction_id', status: '404' };
    expect(value(after, 'paycheck_http_requests_total', labels) - (sampleValue(before, 'paycheck_http_requests_total', labels) ?? 0)).toBe(
      2,
    );
  });

  it('reports the queue depth by state and the age of the job next in line', async () => {
    // The API does not consume: whatever is enqueued stays waiting.
    await api.queue.obliterate({ force: true });
    let text = await waitFor(
      () => scrape(api),
      (t) => value(t, 'paycheck_queue_jobs', { state: 'waiting' }) === 0,
    );
    expect(value(text, 'paycheck_queue_oldest_waiting_seconds')).toBe(0);

    const firstPostedAt = Date.now();
    for (const id of [uniqueId('txn'), uniqueId('txn')]) await post(body(id), signed(body(id))).expect(202);
    await api.queue.add('settle', { transactionId: uniqueId('later'), generation: 0 }, { delay: 3_600_000, jobId: uniqueId('delayed') });

    text = await waitFor(
      () => scrape(api),
      (t) => value(t, 'paycheck_queue_jobs', { state: 'waiting' }) === 2,
    );
    expect(value(text, 'paycheck_queue_jobs', { state: 'delayed' })).toBe(1);
    expect(value(text, 'paycheck_queue_jobs', { state: 'active' })).toBe(0);
    expect(value(text, 'paycheck_queue_jobs', { state: 'failed' })).toBe(0);
    // The age grows while the job waits and never exceeds the time since it was posted.
    text = await waitFor(
      () => scrape(api),
      (t) => value(t, 'paycheck_queue_oldest_waiting_seconds') >= 1,
    );
    expect(value(text, 'paycheck_queue_oldest_waiting_seconds')).toBeLessThanOrEqual((Date.now() - firstPostedAt) / 1000 + 0.5);
  });
});

describe('metrics when Redis is unreachable', () => {
  it('still answers the scrape, without queue depth and with the oldest-job age unknown', async () => {
    const api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()), REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const text = await scrape(api);
      expect(sampleValue(text, 'paycheck_queue_jobs', { state: 'waiting' })).toBeUndefined();
      expect(value(text, 'paycheck_queue_oldest_waiting_seconds')).toBeNaN();
      expect(value(text, 'paycheck_webhooks_received_total', { provider: 'native', outcome: 'accepted' })).toBe(0);
    } finally {
      await api.close();
    }
  });
});

/** Settles everything except ids starting with "fail_", which it always declines. */
@Injectable()
class SelectiveGateway implements SettlementGateway {
  async settle(request: SettlementRequest): Promise<void> {
    if (request.transactionId.startsWith('fail_')) throw new Error('declined by the test gateway');
  }
}

describe('metrics on the worker role', () => {
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    const env = { ...(await isolatedEnv()) };
    api = await startTestApp({ ...env, APP_ROLE: 'api' });
    worker = await startTestApp(
      { ...env, APP_ROLE: 'worker', PROCESSING_MAX_ATTEMPTS: '2', PROCESSING_BACKOFF_MS: '100' },
      { processing: { settlementGateway: SelectiveGateway } },
    );
  });

  afterAll(async () => {
    await worker.close();
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  const statusOf = (id: string, status: string) =>
    waitFor(
      () => api.http().get(`/v1/transactions/${id}`),
      (res) => res.body.status === status,
    );
  const processed = (text: string, result: string) => value(text, 'paycheck_transactions_processed_total', { result });

  it('counts a processed transaction and times its attempt, in the worker process only', async () => {
    const before = await scrape(worker);
    const id = uniqueId('ok');
    await api.http().post('/v1/webhooks/transactions').set('content-type', 'application/json').send(body(id)).expect(202);
    await statusOf(id, 'PROCESSED');
    const after = await waitFor(
      () => scrape(worker),
      (t) => processed(t, 'processed') - processed(before, 'processed') >= 1,
    );

    expect(processed(after, 'processed') - processed(before, 'processed')).toBe(1);
    expect(processed(after, 'failed') - processed(before, 'failed')).toBe(0);
    expect(value(after, 'paycheck_processing_seconds_count') - value(before, 'paycheck_processing_seconds_count')).toBe(1);
    // Each application owns its registry: the API process processed nothing.
    expect(processed(await scrape(api), 'processed')).toBe(0);
  });

  it('counts each failed attempt as retried and the last one as failed', async () => {
    const before = await scrape(worker);
    const id = uniqueId('fail');
    await api.http().post('/v1/webhooks/transactions').set('content-type', 'application/json').send(body(id)).expect(202);
    await statusOf(id, 'FAILED');
    const after = await waitFor(
      () => scrape(worker),
      (t) => processed(t, 'failed') - processed(before, 'failed') >= 1,
    );

    expect(processed(after, 'retried') - processed(before, 'retried')).toBe(1);
    expect(processed(after, 'failed') - processed(before, 'failed')).toBe(1);
    expect(processed(after, 'processed') - processed(before, 'processed')).toBe(0);
    expect(value(after, 'paycheck_processing_seconds_count') - value(before, 'paycheck_processing_seconds_count')).toBe(2);
  });

  it('counts what the recovery sweep puts back on the queue', async () => {
    const before = await scrape(worker);
    const id = uniqueId('orphan');
    // A committed row whose job never reached Redis, as when Redis was down at intake.
    await worker.app.get(DataSource).query(
      `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency, created_at, updated_at)
       VALUES ($1, 'user_acc_1', 'merchant_acc_1', 10, 'INR', now() - interval '1 minute', now() - interval '1 minute')`,
      [id],
    );
    await worker.app.get(RecoverySweep).sweep();
    await statusOf(id, 'PROCESSED');
    const after = await scrape(worker);
    expect(value(after, 'paycheck_reconciled_total') - value(before, 'paycheck_reconciled_total')).toBe(1);
  });
});
