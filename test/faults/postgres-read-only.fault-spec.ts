import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { STORAGE_RETRY_DELAY_MS } from '@app/processing';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { type WebhookPayload, deliver, deliverUntilAccepted, makePayloads } from '../support/webhooks';

/** The contract's bound for answering 503 while PostgreSQL is unavailable. */
const UNAVAILABLE_ANSWER_BOUND_MS = 5000;
const CALL_MS = 8000;
/**
 * How long the database stays read-only once the calls in hand have started: longer than a
 * call plus the worker's storage retry delay, so a worker that deferred the job instead of
 * retrying the commit would have called the provider a second time by then.
 */
const READ_ONLY_STRETCH_MS = CALL_MS + STORAGE_RETRY_DELAY_MS + 3000;

/**
 * Sets default_transaction_read_only server-wide (a failover to a standby, a provider's
 * read-only mode on a full disk look the same to a client), from a session that stays writable,
 * and waits until a new session sees it.
 */
async function setReadOnly(scenario: Scenario, on: boolean): Promise<void> {
  const admin = new Client({ connectionString: scenario.postgres!.url('postgres'), options: '-c default_transaction_read_only=off' });
  await admin.connect();
  try {
    await admin.query(on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only');
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  await waitFor(
    `read-only ${on ? 'on' : 'off'} to reach new sessions`,
    async () => {
      const probe = new Client({ connectionString: scenario.databaseUrl });
      await probe.connect();
      try {
        return (await probe.query<{ default_transaction_read_only: string }>('SHOW default_transaction_read_only')).rows[0]
          .default_transaction_read_only;
      } finally {
        await probe.end();
      }
    },
    (value) => value === (on ? 'on' : 'off'),
    10_000,
    100,
  );
}

describe('PostgreSQL turned read-only', () => {
  let scenario: Scenario;
  let api: PaycheckProcess;
  let worker: PaycheckProcess;

  beforeAll(async () => {
    scenario = await Scenario.create('pg-read-only', { privatePostgres: true });
    [api, worker] = await Promise.all([scenario.start('api'), scenario.start('worker', { PROCESSING_DELAY_MS: String(CALL_MS) })]);
  });

  afterAll(() => scenario?.close());

  /** Per transaction, how many settlement calls the worker started (it logs each before calling). */
  const callsPerTransaction = (): Map<string, number> => {
    const calls = new Map<string, number>();
    for (const line of worker.logLines()) {
      if (line.outcome === 'started' && typeof line.transaction_id === 'string')
        calls.set(line.transaction_id, (calls.get(line.transaction_id) ?? 0) + 1);
    }
    return calls;
  };
  const storedCount = async () => (await scenario.db.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions')).rows[0].n;

  it('answers 503 with Retry-After at intake, makes no call twice while commits wait, and completes everything once when writable again', async () => {
    const inFlight = makePayloads(10, 'ro_in_flight');
    for (const payload of inFlight) {
      await deliverUntilAccepted(api.url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'every call to be in flight',
      async () => callsPerTransaction(),
      (calls) => inFlight.every((p) => calls.get(p.transaction_id) === 1),
    );

    await setReadOnly(scenario, true);
    const readOnlySince = Date.now();
    try {
      // Intake: every delivery is refused as an outage, and nothing is stored.
      const before = await storedCount();
      const refused: WebhookPayload[] = makePayloads(10, 'ro_refused');
      for (const payload of refused) {
        const answer = await deliver(api.url, payload);
        expect({ id: payload.transaction_id, status: answer.status }).toEqual({ id: payload.transaction_id, status: 503 });
        expect(answer.retryAfter).toMatch(/^\d+$/);
        expect(answer.body).toMatchObject({ status: 503 });
        expect(answer.ms).toBeLessThanOrEqual(UNAVAILABLE_ANSWER_BOUND_MS);
      }
      expect(await storedCount()).toBe(before);

      // Settlement: the calls succeed, their commits wait; nothing is called again meanwhile.
      await sleep(Math.max(0, READ_ONLY_STRETCH_MS - (Date.now() - readOnlySince)));
      expect(await scenario.statusCounts()).toEqual({ PROCESSING: inFlight.length });
      const calls = callsPerTransaction();
      expect(inFlight.map((p) => [p.transaction_id, calls.get(p.transaction_id)])).toEqual(inFlight.map((p) => [p.transaction_id, 1]));

      await setReadOnly(scenario, false);
      // The sender redelivers what got 503; it is taken now.
      for (const payload of refused) {
        await deliverUntilAccepted(api.url, payload);
        scenario.acknowledge(payload);
      }
    } finally {
      await setReadOnly(scenario, false);
    }

    await scenario.untilProcessed();
    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged);
    // Exactly one provider call per transaction, and the rows agree.
    const calls = callsPerTransaction();
    expect([...scenario.acknowledged.keys()].filter((id) => calls.get(id) !== 1).map((id) => [id, calls.get(id)])).toEqual([]);
    const { rows } = await scenario.db.query<{ attempts: number; n: number }>(
      'SELECT attempts, count(*)::int AS n FROM transactions GROUP BY attempts',
    );
    expect(rows).toEqual([{ attempts: 1, n: scenario.acknowledged.size }]);
    expect([api, worker].every((p) => p.running)).toBe(true);
  });
});
