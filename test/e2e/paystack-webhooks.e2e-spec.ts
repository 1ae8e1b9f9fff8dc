import { paystackKit, postProviderEvent } from '../support/provider-deliveries';
import { sampleValue } from '../support/prometheus-text';
import { describeProviderWebhooks, startProviderApp } from '../support/provider-webhooks.suite';
import { type TestApp } from '../support/test-app';

describe('POST /v1/webhooks/paystack', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startProviderApp(paystackKit);
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  describeProviderWebhooks(paystackKit, { app: () => t });

  it('answers a recorded payment 200, the only status Paystack counts as delivered, and counts it accepted', async () => {
    const metric = async () =>
      sampleValue((await t.http().get('/metrics').expect(200)).text, 'paycheck_webhooks_received_total', {
        provider: 'paystack',
        outcome: 'accepted',
      }) ?? NaN;
    const before = await metric();
    const res = await postProviderEvent(t, paystackKit, JSON.stringify(paystackKit.payment(paystackKit.newPayment()))).expect(200);
    expect(res.body.status).toBe('PROCESSING');
    expect(res.headers.location).toMatch(/^\/v1\/transactions\/paystack%3A/);
    expect((await metric()) - before).toBe(1);
  });

  it('pays the subaccount a payment was split to', async () => {
    const event = paystackKit.payment(paystackKit.newPayment());
    (event.data as Record<string, unknown>).subaccount = { id: 37614, subaccount_code: 'ACCT_6uujpqtzmnufzkw' };
    const res = await postProviderEvent(t, paystackKit, JSON.stringify(event)).expect(200);
    expect(res.body.destination_account).toBe('paystack:account:ACCT_6uujpqtzmnufzkw');
  });
});
