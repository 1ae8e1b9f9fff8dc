import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliverUntilAccepted, getJson, makePayloads, post } from '../support/webhooks';

const TRANSACTIONS = 30;
const MAX_ATTEMPTS = 3;

describe('every attempt failing, then a manual retry', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];
  let workers: PaycheckProcess[];
  const ids = () => [...scenario.acknowledged.keys()];

  beforeAll(async () => {
    scenario = await Scenario.create('all-fail');
    const broken = { SIMULATED_FAILURE_RATE: '1', PROCESSING_MAX_ATTEMPTS: String(MAX_ATTEMPTS), PROCESSING_BACKOFF_MS: '50' };
    const started = await scenario.startAll([
      { role: 'api' },
      { role: 'api' },
      { role: 'worker', env: broken },
      { role: 'worker', env: broken },
    ]);
    apis = started.slice(0, 2);
    workers = started.slice(2);
  });

  afterAll(() => scenario?.close());

  it('marks every transaction FAILED after the last attempt, with its error, and posts nothing', async () => {
    for (const payload of makePayloads(TRANSACTIONS, 'all_fail')) {
      await deliverUntilAccepted(apis[0].url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'every transaction to fail',
      () => scenario.statusCounts(),
      (c) => c.FAILED === TRANSACTIONS,
      60_000,
      500,
    );
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged, { failed: new Set(ids()), maxAttempts: MAX_ATTEMPTS });
    const { body } = await getJson<{ attempts: number; last_error: string }>(apis[1].url, `/v1/transactions/${ids()[0]}`);
    expect(body).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS, last_error: expect.stringContaining('simulated') });
  });

  it('re-queues each FAILED transaction once on retry (202, then 409), and posts each exactly once under the new policy', async () => {
    // The policy is the workers': restarted with calls that succeed, they apply it.
    for (const worker of workers) expect(await worker.terminate()).toEqual({ code: 0, signal: null });
    await scenario.startAll([{ role: 'worker' }, { role: 'worker' }]);

    const answers = await Promise.all(ids().flatMap((id) => apis.map((api) => post(api.url, `/v1/transactions/${id}/retry`))));
    const byStatus = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(byStatus).toEqual({ 202: TRANSACTIONS, 409: TRANSACTIONS });
    expect((await post(apis[0].url, '/v1/transactions/never_received_1/retry')).status).toBe(404);

    await waitFor(
      'every transaction to settle',
      () => scenario.statusCounts(),
      (c) => c.PROCESSED === TRANSACTIONS,
      60_000,
      500,
    );
    await expectLedgerConsistent(scenario.db, apis[1].url, scenario.acknowledged);
    const attempts = await scenario.db.query<{ attempts: number }>(`SELECT DISTINCT attempts FROM transactions`);
    expect(attempts.rows).toEqual([{ attempts: 1 }]);
    // A settled transaction cannot be retried.
    expect((await post(apis[0].url, `/v1/transactions/${ids()[0]}/retry`)).status).toBe(409);
  });
});
