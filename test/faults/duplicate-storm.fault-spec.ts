import { randomBytes } from 'node:crypto';
import { settlementJobId } from '@app/queue';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { STORM_STRIPE_SECRET, deliverToStripe, stripePaymentEvent } from '../support/provider-deliveries';
import { waitFor } from '../support/wait-for';
import { type Delivery, deliver, makePayloads } from '../support/webhooks';

const TRANSACTIONS = 40;
const COPIES = 8;
const STRIPE_PAYMENTS = 20;

describe('a duplicate storm across two API replicas and two workers', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('storm');
    const api = { role: 'api' as const, env: { STRIPE_WEBHOOK_SECRET: STORM_STRIPE_SECRET } };
    const started = await scenario.startAll([api, api, { role: 'worker' }, { role: 'worker' }]);
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

    await waitFor(
      'every transaction to settle',
      () => scenario.statusCounts(),
      (counts) => counts.PROCESSED === TRANSACTIONS,
    );
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);

    // One job per transaction, all of generation 0: no delivery enqueued a second one.
    const jobs = await scenario.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.map((job) => job.id).sort()).toEqual(payloads.map((p) => settlementJobId(p.transaction_id, 0)).sort());
    const { rows } = await scenario.db.query<{ attempts: number }>(`SELECT DISTINCT attempts FROM transactions`);
    expect(rows).toEqual([{ attempts: 1 }]);
  });

  it('does the same through a provider route: Stripe events, each delivered many times at once on both replicas', async () => {
    const run = randomBytes(3).toString('hex');
    const payments = Array.from({ length: STRIPE_PAYMENTS }, (_, i) => ({
      paymentIntent: `pi_storm_${run}_${i}`,
      customer: `cus_storm_${i % 4}`,
      paise: 100 + ((i * 7919) % 99_900),
    }));
    const answers = await Promise.all(
      payments.flatMap((p, i) => {
        const body = stripePaymentEvent(p.paymentIntent, p.customer, p.paise);
        return Array.from({ length: COPIES }, (_, copy) =>
          deliverToStripe(apis[(i + copy) % 2].url, body).then((answer) => ({ p, answer })),
        );
      }),
    );
    for (const p of payments) {
      const deliveries = answers.filter((a) => a.p === p).map((a) => a.answer);
      const id = `stripe:${p.paymentIntent}`;
      expect({ id, statuses: deliveries.map((d) => d.status) }).toEqual({ id, statuses: Array(COPIES).fill(202) });
      expect({ id, new: deliveries.filter((d) => !d.replayed).length }).toEqual({ id, new: 1 });
      scenario.acknowledge({
        transaction_id: id,
        source_account: `stripe:customer:${p.customer}`,
        destination_account: 'stripe:account:platform',
        amount: p.paise / 100,
        currency: 'INR',
      });
    }

    await waitFor(
      'every transaction to settle',
      () => scenario.statusCounts(),
      (counts) => counts.PROCESSED === TRANSACTIONS + STRIPE_PAYMENTS,
    );
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);
    const jobs = await scenario.queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    const stripeJobs = jobs.map((job) => job.id).filter((id) => id?.startsWith('stripe%3A'));
    expect(stripeJobs.sort()).toEqual(payments.map((p) => settlementJobId(`stripe:${p.paymentIntent}`, 0)).sort());
  });
});
