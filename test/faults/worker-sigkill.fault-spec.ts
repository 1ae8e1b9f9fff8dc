import { WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS } from '@app/processing';
import { settlementJobId } from '@app/queue';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, makePayloads } from '../support/webhooks';

const TRANSACTIONS = 30;

describe('a worker SIGKILLed with jobs in hand', () => {
  let scenario: Scenario;
  let api: PaycheckProcess;

  beforeAll(async () => {
    scenario = await Scenario.create('sigkill');
    api = await scenario.start('api');
  });

  afterAll(() => scenario?.close());

  it('loses nothing: another worker takes the jobs back through stall detection and posts each once', async () => {
    // Calls long enough that every job is still in the victim's hands when it dies.
    const victim = await scenario.start('worker', { PROCESSING_DELAY_MS: '60000' }, 'victim');
    const payloads = makePayloads(TRANSACTIONS, 'sigkill');
    for (const payload of payloads) {
      await deliverUntilAccepted(api.url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'the victim to hold every job',
      () => scenario.queue.getJobCounts('active'),
      (c) => c.active === TRANSACTIONS,
    );

    const killedAt = Date.now();
    expect((await victim.kill()).signal).toBe('SIGKILL');
    await scenario.start('worker', {}, 'rescuer');

    // Lock expiry plus one stall check, with room for a slow machine.
    const ceiling = 3 * (WORKER_LOCK_DURATION_MS + WORKER_STALLED_INTERVAL_MS);
    await waitFor(
      'every job to come back and settle',
      () => scenario.statusCounts(),
      (c) => c.PROCESSED === TRANSACTIONS,
      ceiling,
      500,
    );
    const { rows } = await scenario.db.query<{ first: Date; last: Date }>(
      `SELECT min(processed_at) AS first, max(processed_at) AS last FROM transactions`,
    );
    process.stdout.write(
      `[faults] SIGKILL -> first settlement by the rescuer ${((rows[0].first.getTime() - killedAt) / 1000).toFixed(1)} s, last ${((rows[0].last.getTime() - killedAt) / 1000).toFixed(1)} s\n`,
    );

    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged);
    // The killed attempt never finished, so it is not counted; the jobs are the original ones.
    const attempts = await scenario.db.query<{ attempts: number }>(`SELECT DISTINCT attempts FROM transactions`);
    expect(attempts.rows).toEqual([{ attempts: 1 }]);
    const jobs = await scenario.queue.getJobs(['completed']);
    expect(jobs.map((job) => job.id).sort()).toEqual(payloads.map((p) => settlementJobId(p.transaction_id, 0)).sort());
  });
});
