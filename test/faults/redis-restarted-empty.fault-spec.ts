import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, makePayloads } from '../support/webhooks';

const TRANSACTIONS = 60;

describe('Redis restarted empty while transactions wait', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('redis-empty');
    // Few slots and slow calls: most jobs are waiting, some in flight, when Redis loses them all.
    const slow = { PROCESSING_DELAY_MS: '2000', WORKER_CONCURRENCY: '4' };
    const started = await scenario.startAll([
      { role: 'api' },
      { role: 'api' },
      { role: 'worker', env: slow },
      { role: 'worker', env: slow },
    ]);
    apis = started.slice(0, 2);
  });

  afterAll(() => scenario?.close());

  it('rebuilds the lost jobs from PostgreSQL and settles every transaction once', async () => {
    const payloads = makePayloads(TRANSACTIONS, 'redis_empty');
    await Promise.all(
      payloads.map(async (payload, i) => {
        await deliverUntilAccepted(apis[i % 2].url, payload);
        scenario.acknowledge(payload);
      }),
    );
    await waitFor(
      'jobs to be in flight',
      () => scenario.queue.getJobCounts('active', 'waiting'),
      (c) => c.active > 0 && c.waiting > 0,
    );

    await scenario.redis.stop();
    await scenario.redis.restart();
    expect(await scenario.queue.getJobCounts('active', 'waiting', 'completed')).toEqual({ active: 0, waiting: 0, completed: 0 });

    await waitFor(
      'every transaction to settle',
      () => scenario.statusCounts(),
      (c) => c.PROCESSED === TRANSACTIONS,
      120_000,
      500,
    );
    await expectLedgerConsistent(scenario.db, apis[1].url, scenario.acknowledged);
    // Every process rode it out.
    expect(scenario.processes.every((p) => p.running)).toBe(true);
    for (const api of apis)
      await waitFor(
        'readiness after the restart',
        () => api.status('/health/ready'),
        (s) => s === 200,
      );
  });
});
