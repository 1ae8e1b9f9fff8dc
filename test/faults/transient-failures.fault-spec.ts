import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, getJson, makePayloads, post } from '../support/webhooks';

const TRANSACTIONS = 100;
const MAX_ATTEMPTS = 5;

interface Listed {
  items: Array<{ transaction_id: string }>;
}

describe('half of all external calls failing', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('transient');
    const policy = {
      SIMULATED_FAILURE_RATE: '0.5',
      PROCESSING_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      PROCESSING_BACKOFF_MS: '50',
      PROCESSING_DELAY_MS: '100',
    };
    const started = await scenario.startAll([
      { role: 'api' },
      { role: 'api' },
      { role: 'worker', env: policy },
      { role: 'worker', env: policy },
    ]);
    apis = started.slice(0, 2);
  });

  afterAll(() => scenario?.close());

  it('retries each transaction until it posts once or, after the last attempt, fails and posts nothing', async () => {
    const payloads = makePayloads(TRANSACTIONS, 'transient');
    await Promise.all(
      payloads.map(async (payload, i) => {
        await deliverUntilAccepted(apis[i % 2].url, payload);
        scenario.acknowledge(payload);
      }),
    );
    const terminal = await waitFor(
      'every transaction to end PROCESSED or FAILED',
      () => scenario.statusCounts(),
      (c) => (c.PROCESSED ?? 0) + (c.FAILED ?? 0) === TRANSACTIONS,
      120_000,
      500,
    );
    const failed = await scenario.db.query<{ transaction_id: string }>(`SELECT transaction_id FROM transactions WHERE status = 'FAILED'`);
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged, {
      failed: new Set(failed.rows.map((row) => row.transaction_id)),
      maxAttempts: MAX_ATTEMPTS,
    });
    const retried = await scenario.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE attempts > 1`);
    expect(retried.rows[0].n).toBeGreaterThan(0);
    process.stdout.write(
      `[faults] 50% failures: ${terminal.PROCESSED ?? 0} PROCESSED, ${terminal.FAILED ?? 0} FAILED, ${retried.rows[0].n} needed more than one attempt\n`,
    );
  });

  it('posts each FAILED transaction exactly once when operators retry it until it goes through', async () => {
    for (let round = 0; round < 20; round++) {
      const { body } = await getJson<Listed>(apis[round % 2].url, '/v1/transactions?status=FAILED&limit=100');
      if (body.items.length === 0) break;
      for (const { transaction_id: id } of body.items)
        expect((await post(apis[round % 2].url, `/v1/transactions/${id}/retry`)).status).toBe(202);
      await waitFor(
        'the retried ones to end',
        () => scenario.statusCounts(),
        (c) => (c.PROCESSED ?? 0) + (c.FAILED ?? 0) === TRANSACTIONS,
        120_000,
        500,
      );
    }
    expect(await scenario.statusCounts()).toEqual({ PROCESSED: TRANSACTIONS });
    await expectLedgerConsistent(scenario.db, apis[1].url, scenario.acknowledged);
  });
});
