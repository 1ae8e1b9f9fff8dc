import { setTimeout as sleep } from 'node:timers/promises';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { type Delivery, type WebhookPayload, deliver, deliverUntilAccepted, makePayloads } from '../support/webhooks';

/** The promised bound for answering 503 while PostgreSQL is unavailable. */
const UNAVAILABLE_ANSWER_BOUND_MS = 5000;

/** Sends new webhooks one after another until stopped, keeping every answer. */
class Sender {
  readonly answers: Array<{ payload: WebhookPayload; answer: Delivery }> = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(url: string, payloads: WebhookPayload[]) {
    this.done = (async () => {
      for (const payload of payloads) {
        if (this.stopped) return;
        this.answers.push({ payload, answer: await deliver(url, payload) });
        await sleep(20);
      }
    })();
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }
}

describe('PostgreSQL stopped during intake', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];
  let worker: PaycheckProcess;

  beforeAll(async () => {
    scenario = await Scenario.create('pg-down', { privatePostgres: true });
    apis = await Promise.all([scenario.start('api'), scenario.start('api')]);
    worker = await scenario.start('worker', { PROCESSING_DELAY_MS: '1000' });
  });

  afterAll(() => scenario?.close());

  it('answers 503 with Retry-After within 5 s (never 2xx), recovers by itself, and accepts the redeliveries', async () => {
    const senders = apis.map((api, i) => new Sender(api.url, makePayloads(2000, `pg_down_${i}`)));
    await waitFor(
      'intake to be flowing',
      async () => senders.every((s) => s.answers.some((a) => a.answer.status === 202)),
      (ok) => ok,
    );

    await scenario.postgres!.stop();
    for (const api of apis)
      await waitFor(
        'readiness to drop',
        () => api.status('/health/ready'),
        (s) => s === 503,
      );
    await sleep(3000); // a stretch of intake against a dead database
    await scenario.postgres!.restart();
    for (const api of apis)
      await waitFor(
        'readiness to return by itself',
        () => api.status('/health/ready'),
        (s) => s === 200,
      );
    await sleep(1000);
    await Promise.all(senders.map((s) => s.stop()));

    const answers = senders.flatMap((s) => s.answers);
    const unavailable = answers.filter((a) => a.answer.status === 503);
    expect(answers.filter((a) => a.answer.status !== 202 && a.answer.status !== 503).map((a) => [a.answer.status, a.answer.error])).toEqual(
      [],
    );
    expect(unavailable.length).toBeGreaterThan(0);
    for (const { answer } of unavailable) {
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.body).toMatchObject({ status: 503 });
      expect(answer.ms).toBeLessThanOrEqual(UNAVAILABLE_ANSWER_BOUND_MS);
    }
    process.stdout.write(
      `[faults] PostgreSQL down: ${unavailable.length} x 503 (slowest ${Math.max(...unavailable.map((a) => a.answer.ms))} ms), ${answers.length - unavailable.length} x 202\n`,
    );

    for (const { payload, answer } of answers) if (answer.status === 202) scenario.acknowledge(payload);
    // The sender redelivers what got 503; the service now takes it.
    for (const { payload } of unavailable) {
      await deliverUntilAccepted(apis[0].url, payload);
      scenario.acknowledge(payload);
    }

    await scenario.untilProcessed();
    await expectLedgerConsistent(scenario.db, apis[1].url, scenario.acknowledged);
    // Nobody crashed or had to be restarted.
    expect([...apis, worker].every((p) => p.running)).toBe(true);
  });

  it('answers 503 within 5 s too while PostgreSQL hangs instead of refusing connections', async () => {
    // More senders per replica than pooled connections, so requests also queue for connections
    // held by hung queries: that is where a pool wait and a query timeout used to add up past 5 s.
    const senders = Array.from({ length: 60 }, (_, i) => new Sender(apis[i % 2].url, makePayloads(2000, `pg_hung_${i}`)));
    await waitFor(
      'intake to be flowing',
      async () => senders.every((s) => s.answers.some((a) => a.answer.status === 202)),
      (ok) => ok,
    );

    scenario.postgres!.freeze();
    try {
      await waitFor(
        'both replicas to answer 503',
        async () => senders.every((s) => s.answers.some((a) => a.answer.status === 503)),
        (ok) => ok,
        30_000,
      );
      await sleep(6000);
    } finally {
      scenario.postgres!.thaw();
    }
    for (const api of apis)
      await waitFor(
        'readiness to return',
        () => api.status('/health/ready'),
        (s) => s === 200,
      );
    await Promise.all(senders.map((s) => s.stop()));

    const answers = senders.flatMap((s) => s.answers);
    const unavailable = answers.filter((a) => a.answer.status === 503);
    expect(answers.filter((a) => a.answer.status !== 202 && a.answer.status !== 503).map((a) => [a.answer.status, a.answer.error])).toEqual(
      [],
    );
    for (const { answer } of unavailable) {
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.ms).toBeLessThanOrEqual(UNAVAILABLE_ANSWER_BOUND_MS);
    }
    process.stdout.write(
      `[faults] PostgreSQL hung: ${unavailable.length} x 503 (slowest ${Math.max(...unavailable.map((a) => a.answer.ms))} ms), ${answers.length - unavailable.length} x 202\n`,
    );

    // A 503 may still have committed once PostgreSQL woke up: the redelivery says which.
    for (const { payload, answer } of answers) if (answer.status === 202) scenario.acknowledge(payload);
    for (const { payload } of unavailable) {
      await deliverUntilAccepted(apis[1].url, payload);
      scenario.acknowledge(payload);
    }
    await scenario.untilProcessed();
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);
    expect([...apis, worker].every((p) => p.running)).toBe(true);
  });
});
