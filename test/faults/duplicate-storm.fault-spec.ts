import { settlementJobId } from '@app/queue';
import { expectLedgerConsistent } from '../support/ledger-check';
import { PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { Delivery, deliver, makePayloads } from '../support/webhooks';

const TRANSACTIONS = 40;
const COPIES = 8;

describe('a duplicate storm across two API replicas and two workers', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('storm');
    const started = await scenario.startAll([{ role: 'api' }, { role: 'api' }, { role: 'worker' }, { role: 'worker' }]);
    apis = started.slice(0, 2);
  });

  afterAll(() => scenario?.close());

  it('stores, enqueues and posts each transaction once, answering exactly one delivery as new', async () => {
    const payloads = makePayloads(TRANSACTIONS, 'storm');
    // Every copy of every transaction at once, alternating between the replicas.
    const answers = await Promise.all(
      payloads.flatMap((payload, i) =>
        Array.from({ length: COPIES }, (_, copy) => deliver(apis[(i + copy) % 2].url, payload).then((answer) => ({ payload, answer }))),
      ),
    );

    const byId = new Map<string, Delivery[]>();
    for (const { payload, answer } of answers) byId.set(payload.transaction_id, [...(byId.get(payload.transaction_id) ?? []), answer]);
    for (const [id, deliveries] of byId) {
      expect({ id, statuses: deliveries.map((d) => d.status) }).toEqual({ id, statuses: Array(COPIES).fill(202) });
      expect({ id, new: deliveries.filter((d) => !d.replayed).length }).toEqual({ id, new: 1 });
    }
    payloads.forEach((payload) => scenario.acknowledge(payload));

    // The same id with another amount changes nothing, on either replica.
    for (const api of apis) {
      const conflict = await deliver(api.url, { ...payloads[0], amount: payloads[0].amount + 1 });
      expect(conflict.status).toBe(409);
    }

    await waitFor('every transaction to settle', () => scenario.statusCounts(), (counts) => counts.PROCESSED === TRANSACTIONS);
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);

    // One job per transaction, all of generation 0: no delivery enqueued a second one.
    const jobs = await scenario.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.map((job) => job.id).sort()).toEqual(payloads.map((p) => settlementJobId(p.transaction_id, 0)).sort());
    const { rows } = await scenario.db.query<{ attempts: number }>(`SELECT DISTINCT attempts FROM transactions`);
    expect(rows).toEqual([{ attempts: 1 }]);
  });
});
