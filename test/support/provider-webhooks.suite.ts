import { sampleValue } from './prometheus-text';
import { type ProviderKit, balanceOf, postProviderEvent } from './provider-deliveries';
import {
  type TestApp,
  countTransactionRows,
  expectProblem,
  getTransaction,
  isolatedEnv,
  postingsFor,
  startTestApp,
  uniqueId,
  waitFor,
} from './test-app';

/**
 * The behaviour every provider route shares, against real PostgreSQL and Redis with a worker in
 * the same process (APP_ROLE=all, short simulated call). Each provider's spec runs it with its
 * kit and adds what only that provider has.
 */
export function describeProviderWebhooks(kit: ProviderKit, context: { app: () => TestApp }): void {
  const app = () => context.app();
  const send = (event: Record<string, unknown>) => postProviderEvent(app(), kit, JSON.stringify(event));
  const processed = (id: string) =>
    waitFor(
      () => getTransaction(app(), id),
      (res) => res.body.status === 'PROCESSED',
    );
  const rows = (id: string) => countTransactionRows(app().app, id);

  it('records a signed payment (202; Paystack 200), settles it and posts it to the customer and the merchant', async () => {
    const payment = kit.newPayment();
    const id = kit.paymentTransactionId(payment);
    const res = await send(kit.payment(payment)).expect(kit.acceptedStatus);
    expect(res.headers.location).toBe(`/v1/transactions/${encodeURIComponent(id)}`);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.body).toMatchObject({
      transaction_id: id,
      source_account: kit.customerAccount(payment),
      destination_account: kit.merchantAccount,
      status: 'PROCESSING',
    });

    expect((await processed(id)).body.status).toBe('PROCESSED');
    const legs = await postingsFor(app().app, id);
    expect(legs.map((leg) => [leg.account_id, leg.side])).toEqual([
      [kit.merchantAccount, 'credit'],
      [kit.customerAccount(payment), 'debit'],
    ]);
    expect(await balanceOf(app(), kit.customerAccount(payment))).toEqual({ [res.body.currency]: `-${legs[0].amount}` });
  });

  it('answers a redelivery of the same event as a replay, and stores nothing twice', async () => {
    const payment = kit.newPayment();
    const body = JSON.stringify(kit.payment(payment));
    await postProviderEvent(app(), kit, body).expect(kit.acceptedStatus);
    const again = await postProviderEvent(app(), kit, body).expect(kit.acceptedStatus);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await rows(kit.paymentTransactionId(payment))).toBe(1);
  });

  it('refuses a second event about the same payment with another amount (409), changing nothing', async () => {
    const payment = kit.newPayment();
    await send(kit.payment(payment)).expect(kit.acceptedStatus);
    expectProblem(await send(kit.payment({ ...payment, minor: payment.minor + 100 })), 409);
    const stored = (await getTransaction(app(), kit.paymentTransactionId(payment)).expect(200)).body;
    expect(stored.amount).toBe((await send(kit.payment(payment)).expect(kit.acceptedStatus)).body.amount);
  });

  it('answers a refund that arrives before its payment with a retryable 503, then records it once the payment is there', async () => {
    const payment = kit.newPayment();
    const refund = {
      id: uniqueId('rf'),
      paymentId: payment.id,
      minor: payment.minor,
      currency: payment.currency,
      reference: payment.reference,
    };
    const early = await send(kit.refund(refund));
    expect(expectProblem(early, 503).type).toMatch(/payment-not-recorded$/);
    expect(early.headers['retry-after']).toBe('60');
    expect(await rows(kit.refundTransactionId(refund))).toBe(0);

    await send(kit.payment(payment)).expect(kit.acceptedStatus);
    const late = await send(kit.refund(refund)).expect(kit.acceptedStatus);
    expect(late.body).toMatchObject({ source_account: kit.merchantAccount, destination_account: kit.customerAccount(payment) });
    await processed(kit.paymentTransactionId(payment));
    await processed(kit.refundTransactionId(refund));
    // Paid and fully refunded: the customer is back to zero (every kit's default currency has two decimals).
    expect(await balanceOf(app(), kit.customerAccount(payment))).toEqual({ [late.body.currency]: '0.00' });
  });

  it('posts each partial refund once, however often it is delivered', async () => {
    // Every kit's default currency has two decimals: 1000.00 paid, 300.00 and 200.00 refunded.
    const payment = kit.newPayment({ minor: 100_000 });
    const currency = (await send(kit.payment(payment)).expect(kit.acceptedStatus)).body.currency as string;
    const refunds = [30_000, 20_000].map((minor) => ({
      id: uniqueId('rf'),
      paymentId: payment.id,
      minor,
      currency: payment.currency,
      reference: payment.reference,
    }));
    for (const refund of refunds) {
      const body = JSON.stringify(kit.refund(refund));
      await postProviderEvent(app(), kit, body).expect(kit.acceptedStatus);
      await postProviderEvent(app(), kit, body).expect(kit.acceptedStatus).expect('Idempotent-Replayed', 'true');
    }
    for (const id of [kit.paymentTransactionId(payment), ...refunds.map(kit.refundTransactionId)]) await processed(id);
    const refunded = await Promise.all(
      refunds.map(async (r) => (await postingsFor(app().app, kit.refundTransactionId(r))).map((leg) => leg.amount)),
    );
    expect(refunded).toEqual([
      ['300.00', '-300.00'],
      ['200.00', '-200.00'],
    ]);
    expect(await balanceOf(app(), kit.customerAccount(payment))).toEqual({ [currency]: '-500.00' });
  });

  it('answers tampered and unsigned deliveries 401 and stores nothing', async () => {
    const payment = kit.newPayment();
    const body = JSON.stringify(kit.payment(payment));
    const tampered = body.replace(`${payment.minor}`, `${payment.minor + 1}`);
    expectProblem(await postProviderEvent(app(), kit, tampered, kit.signatureHeaders(body)), 401);
    expectProblem(await postProviderEvent(app(), kit, body, {}), 401);
    expect(await rows(kit.paymentTransactionId(payment))).toBe(0);
  });

  it('answers an event it does not map 200 "ignored", stores nothing and counts it', async () => {
    const before = (await app().http().get('/metrics').expect(200)).text;
    const event = kit.ignored();
    const type = (event.type ?? event.event) as string;
    const res = await send(event).expect(200);
    expect(res.body).toEqual({ status: 'ignored', event: type });
    const after = (await app().http().get('/metrics').expect(200)).text;
    const labels = { provider: kit.name, outcome: 'ignored' };
    expect(
      (sampleValue(after, 'paycheck_webhooks_received_total', labels) ?? NaN) -
        (sampleValue(before, 'paycheck_webhooks_received_total', labels) ?? NaN),
    ).toBe(1);
  });

  it.each([0, 1])('converts the minor units of a currency without two decimals exactly (case %i)', async (index) => {
    const [currency, minor, decimal] = kit.oddCurrencies[index];
    const payment = kit.newPayment({ currency, minor });
    const res = await send(kit.payment(payment)).expect(kit.acceptedStatus);
    expect(res.body).toMatchObject({ currency: currency.toUpperCase() });
    await processed(kit.paymentTransactionId(payment));
    expect(await balanceOf(app(), kit.customerAccount(payment))).toEqual({ [currency.toUpperCase()]: `-${decimal}` });
  });

  it('answers 404 for the other providers, whose secrets are unset, exactly as for an unknown route', async () => {
    const others = ['stripe', 'razorpay', 'paystack'].filter((name) => name !== kit.name);
    const unknown = await app().http().post('/v1/webhooks/nope').set('Content-Type', 'application/json').send('{}');
    for (const name of others) {
      const res = await app().http().post(`/v1/webhooks/${name}`).set('Content-Type', 'application/json').send('{}');
      expect(expectProblem(res, 404)).toEqual({ ...unknown.body, detail: `Cannot POST /v1/webhooks/${name}` });
    }
    expect(expectProblem(unknown, 404).detail).toBe('Cannot POST /v1/webhooks/nope');
  });
}

/** Starts the app a provider's suite runs against: APP_ROLE=all, that provider enabled only. */
export async function startProviderApp(kit: ProviderKit, env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ APP_ROLE: 'all', ...(await isolatedEnv()), PROCESSING_DELAY_MS: '100', ...kit.env, ...env });
}
