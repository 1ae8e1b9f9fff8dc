import { setTimeout as sleep } from 'node:timers/promises';
import { SHUTDOWN_MARGIN_MS } from '@app/processing';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, makePayloads } from '../support/webhooks';

/** A provider slower than the deadline, as the black-box check states it. */
const SLOW_CALL = { PROCESSING_DELAY_MS: '5000', SETTLEMENT_TIMEOUT_MS: '500', PROCESSING_MAX_ATTEMPTS: '2' };
const STUCK_TIMEOUT_MS = 3000;
const NEVER_SETTLING_WORKER = 'test/support/never-settling-worker.main.ts';

interface Row {
  transaction_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  took_ms: number;
}

describe('a settlement call that outlives SETTLEMENT_TIMEOUT_MS', () => {
  let scenario: Scenario;
  let api: PaycheckProcess;
  /** The first test's transactions, meant to end FAILED. */
  const failedOnPurpose = new Set<string>();

  const rows = async (ids: string[]): Promise<Row[]> =>
    (
      await scenario.db.query<Row>(
        `SELECT transaction_id, status, attempts, last_error,
                (extract(epoch FROM updated_at - created_at) * 1000)::int AS took_ms
           FROM transactions WHERE transaction_id = ANY($1) ORDER BY transaction_id`,
        [ids],
      )
    ).rows;

  beforeAll(async () => {
    scenario = await Scenario.create('deadline');
    api = await scenario.start('api');
  });

  afterAll(() => scenario?.close());

  it('is aborted, counted as a failed attempt, and ends FAILED within a few seconds with nothing posted', async () => {
    const worker = await scenario.start('worker', SLOW_CALL);
    const payloads = makePayloads(5, 'deadline');
    for (const payload of payloads) {
      await deliverUntilAccepted(api.url, payload);
      scenario.acknowledge(payload);
    }
    const ids = payloads.map((p) => p.transaction_id);
    await waitFor(
      'every transaction to end',
      () => rows(ids),
      (r) => r.every((row) => row.status !== 'PROCESSING'),
      60_000,
      200,
    );

    const ended = await rows(ids);
    for (const row of ended) {
      expect(row).toMatchObject({ status: 'FAILED', attempts: 2, last_error: 'settlement call timed out after 500 ms' });
      // Two deadlines and a backoff, not even one whole 5 s call.
      expect(row.took_ms).toBeLessThan(Number(SLOW_CALL.PROCESSING_DELAY_MS));
    }
    process.stdout.write(
      `[faults] 5 s calls, 500 ms deadline, 2 attempts: FAILED ${Math.max(...ended.map((row) => row.took_ms))} ms after acceptance at the slowest\n`,
    );
    for (const id of ids) failedOnPurpose.add(id);
    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged, { failed: failedOnPurpose, maxAttempts: 2 });
    expect(await worker.terminate()).toEqual({ code: 0, signal: null });
  });

  it('does not hold SIGTERM: with calls in hand that never answer and ignore the abort, the worker exits 0 within deadline + margin', async () => {
    // Whatever the first test left running, no other worker may take these jobs.
    for (const other of scenario.processes) if (other.role !== 'api' && other.running) await other.kill();
    const stuck = await scenario.start('worker', { SETTLEMENT_TIMEOUT_MS: String(STUCK_TIMEOUT_MS) }, 'stuck', NEVER_SETTLING_WORKER);
    const payloads = makePayloads(10, 'stuck');
    for (const payload of payloads) {
      await deliverUntilAccepted(api.url, payload);
      scenario.acknowledge(payload);
    }
    const ids = payloads.map((p) => p.transaction_id);
    const callsReceived = () =>
      stuck
        .logLines()
        .filter(
          (line) =>
            typeof line.transaction_id === 'string' &&
            ids.includes(line.transaction_id) &&
            String(line.msg).startsWith('settlement call received'),
        ).length;
    await waitFor(
      'the gateway to hold every call',
      async () => callsReceived(),
      (n) => n === ids.length,
    );

    const bound = STUCK_TIMEOUT_MS + SHUTDOWN_MARGIN_MS;
    const started = Date.now();
    const exit = await Promise.race([stuck.terminate(), sleep(bound + 10_000, 'still running', { ref: false })]);
    const took = Date.now() - started;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThanOrEqual(bound);
    process.stdout.write(`[faults] SIGTERM with ${ids.length} never-answered calls in hand: exit 0 after ${took} ms (bound ${bound} ms)\n`);

    // Each call ended at its deadline as a failed attempt, and Redis recorded the job's end.
    for (const row of await rows(ids))
      expect(row).toMatchObject({
        status: 'PROCESSING',
        attempts: 1,
        last_error: `settlement call timed out after ${STUCK_TIMEOUT_MS} ms`,
      });
    expect(await scenario.queue.getJobCounts('active')).toEqual({ active: 0 });

    // A working worker takes them over and settles each once.
    await scenario.start('worker');
    await waitFor(
      'every transaction to settle',
      () => rows(ids),
      (r) => r.every((row) => row.status === 'PROCESSED'),
      60_000,
      200,
    );
    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged, { failed: failedOnPurpose, maxAttempts: 2 });
  });
});
