import { postProviderEvent, stripeKit } from '../support/provider-deliveries';
import { describeProviderWebhooks, startProviderApp } from '../support/provider-webhooks.suite';
import { type TestApp, countTransactionRows, expectProblem, uniqueId } from '../support/test-app';

describe('POST /v1/webhooks/stripe', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startProviderApp(stripeKit);
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  describeProviderWebhooks(stripeKit, { app: () => t });

  const send = (event: Record<string, unknown>) => postProviderEvent(t, stripeKit, JSON.stringify(event));

  it('answers a delivery signed more than 300 s ago 401, and stores nothing', async () => {
    const payment = stripeKit.newPayment();
    const body = JSON.stringify(stripeKit.payment(payment));
    const { default: Stripe } = await import('stripe');
    const header = new Stripe('sk_test_unused').webhooks.generateTestHeaderString({
      payload: body,
      secret: stripeKit.env.STRIPE_WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const res = await postProviderEvent(t, stripeKit, body, { 'Stripe-Signature': header });
    expect(expectProblem(res, 401).detail).toMatch(/tolerance/);
    expect(await countTransactionRows(t.app, `stripe:${payment.id}`)).toBe(0);
  });

  it('ignores a refund until it has succeeded', async () => {
    const payment = stripeKit.newPayment();
    await send(stripeKit.payment(payment)).expect(202);
    const refund = stripeKit.refund({ id: uniqueId('re'), paymentId: payment.id, minor: 500, currency: 'usd' });
    (refund.data as { object: { status: string } }).object.status = 'pending';
    await send({ ...refund, type: 'refund.created' }).expect(200, { status: 'ignored', event: 'refund.created' });
  });

  it('pays the connected account of a Connect event', async () => {
    const payment = stripeKit.newPayment();
    const res = await send({ ...stripeKit.payment(payment), account: 'acct_1032D82eZvKYlo2C' }).expect(202);
    expect(res.body.destination_account).toBe('stripe:account:acct_1032D82eZvKYlo2C');
  });

  it('refuses an ISK amount with öre (Stripe sends ISK with two decimals), naming the Stripe field', async () => {
    const payment = stripeKit.newPayment({ currency: 'isk', minor: 550 });
    const problem = expectProblem(await send(stripeKit.payment(payment)), 400);
    expect(problem.errors).toEqual([{ field: 'data.object.amount_received', message: expect.stringMatching(/decimal places/) }]);
    expect(await countTransactionRows(t.app, `stripe:${payment.id}`)).toBe(0);
    await send(stripeKit.payment({ ...payment, minor: 500 }))
      .expect(202)
      .expect((res) => expect(res.body.amount).toBe(5));
  });
});
