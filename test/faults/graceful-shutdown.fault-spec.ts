import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, makePayloads } from '../support/webhooks';

const TRANSACTIONS = 20;

describe('SIGTERM with jobs in hand', () => {
  let scenario: Scenario;
  let api: PaycheckProcess;

  beforeAll(async () => {
    scenario = await Scenario.create('sigterm');
    api = await scenario.start('api');
  });

  afterAll(() => scenario?.close());

  it('finishes the jobs in hand, hands them back to Redis and exits 0, with no other worker around', async () => {
    const worker = await scenario.start('worker', { PROCESSING_DELAY_MS: '3000' });
    for (const payload of makePayloads(TRANSACTIONS, 'sigterm')) {
      await deliverUntilAccepted(api.url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'the worker to hold every job',
      () => scenario.queue.getJobCounts('active'),
      (c) => c.active === TRANSACTIONS,
    );

    expect(await worker.terminate()).toEqual({ code: 0, signal: null });
    expect(await scenario.statusCounts()).toEqual({ PROCESSED: TRANSACTIONS });
    expect(await scenario.queue.getJobCounts('active', 'waiting', 'delayed', 'completed')).toEqual({
      active: 0,
      waiting: 0,
      delayed: 0,
      completed: TRANSACTIONS,
    });
    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged);
  });

  it('an API replica exits 0 on SIGTERM too', async () => {
    expect(await api.terminate()).toEqual({ code: 0, signal: null });
  });
});
