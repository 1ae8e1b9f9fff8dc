import { postProviderEvent, razorpayKit } from '../support/provider-deliveries';
import { describeProviderWebhooks, startProviderApp } from '../support/provider-webhooks.suite';
import { type TestApp, countTransactionRows, expectProblem, uniqueId } from '../support/test-app';

describe('POST /v1/webhooks/razorpay', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startProviderApp(razorpayKit);
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  describeProviderWebhooks(razorpayKit, { app: () => t });

  const send = (event: Record<string, unknown>) => postProviderEvent(t, razorpayKit, JSON.stringify(event));

  it('ignores the auto-refund of a payment it never captured, instead of waiting for that payment forever', async () => {
    const refund = razorpayKit.refund({ id: uniqueId('rfnd'), paymentId: uniqueId('pay'), minor: 100, currency: 'INR' });
    (refund.payload as Record<string, { entity: Record<string, unknown> }>).payment.entity.captured = false;
    await send(refund).expect(200, { status: 'ignored', event: 'refund.processed' });
  });

  it('refuses a refund in another currency than its payment (400 naming the Razorpay field)', async () => {
    const payment = razorpayKit.newPayment();
    await send(razorpayKit.payment(payment)).expect(202);
    const refund = { id: uniqueId('rfnd'), paymentId: payment.id, minor: 100, currency: 'USD' };
    const problem = expectProblem(await send(razorpayKit.refund(refund)), 400);
    expect(problem.errors).toEqual([{ field: 'payload.refund.entity.currency', message: "must be the refunded payment's currency (INR)" }]);
    expect(await countTransactionRows(t.app, `razorpay:${refund.id}`)).toBe(0);
  });

  it('names the Razorpay field whose id the ledger cannot take', async () => {
    const payment = razorpayKit.newPayment({ id: 'pay with spaces' });
    const problem = expectProblem(await send(razorpayKit.payment(payment)), 400);
    expect(problem.errors).toEqual([{ field: 'payload.payment.entity.id', message: expect.any(String) }]);
  });
});
