import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliver, deliverUntilAccepted, makePayloads } from '../support/webhooks';

describe('Redis down at intake', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('redis-down');
    apis = await Promise.all([scenario.start('api'), scenario.start('api')]);
  });

  afterAll(() => scenario?.close());

  it('a worker stopped (SIGTERM) during the outage finishes the jobs in hand in PostgreSQL and exits 0', async () => {
    const worker = await scenario.start('worker', { PROCESSING_DELAY_MS: '3000' });
    const inHand = makePayloads(5, 'redis_down_in_hand');
    for (const payload of inHand) {
      await deliverUntilAccepted(apis[0].url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'the worker to hold the jobs',
      () => scenario.queue.getJobCounts('active'),
      (c) => c.active === inHand.length,
    );

    await scenario.redis.stop();
    expect(await worker.terminate()).toEqual({ code: 0, signal: null });
    expect(await scenario.statusCounts()).toEqual({ PROCESSED: inHand.length });
  });

  it('acknowledges webhooks with 202 while Redis is down, reports not ready, and settles them once Redis is back', async () => {
    for (const api of apis)
      await waitFor(
        'readiness to drop',
        () => api.status('/health/ready'),
        (s) => s === 503,
      );

    const payloads = makePayloads(30, 'redis_down');
    const answers = await Promise.all(payloads.map((payload, i) => deliver(apis[i % 2].url, payload)));
    expect(answers.map((a) => a.status)).toEqual(payloads.map(() => 202));
    payloads.forEach((payload) => scenario.acknowledge(payload));
    // A redelivery during the outage is still recognised as one.
    const again = await deliver(apis[1].url, payloads[0]);
    expect([again.status, again.replayed]).toEqual([202, true]);
    process.stdout.write(`[faults] 202 while Redis is down: slowest ${Math.max(...answers.map((a) => a.ms))} ms of ${answers.length}\n`);

    // A worker booting into the outage waits for Redis rather than failing.
    const worker = await scenario.start('worker');
    await scenario.redis.restart();

    await waitFor(
      'every transaction to settle',
      () => scenario.statusCounts(),
      (c) => c.PROCESSED === scenario.acknowledged.size,
      60_000,
      500,
    );
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);
    for (const api of apis)
      await waitFor(
        'readiness to return',
        () => api.status('/health/ready'),
        (s) => s === 200,
      );
    expect(worker.running && apis.every((api) => api.running)).toBe(true);
  });
});
