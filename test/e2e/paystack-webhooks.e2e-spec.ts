import { paystackKit, postProviderEvent } from '../support/provider-deliveries';
import { describeProviderWebhooks, startProviderApp } from '../support/provider-webhooks.suite';
import { TestApp } from '../support/test-app';

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

  it('pays the subaccount a payment was split to', async () => {
    const event = paystackKit.payment(paystackKit.newPayment());
    (event.data as Record<string, unknown>).subaccount = { id: 37614, subaccount_code: 'ACCT_6uujpqtzmnufzkw' };
    const res = await postProviderEvent(t, paystackKit, JSON.stringify(event)).expect(202);
    expect(res.body.destination_account).toBe('paystack:account:ACCT_6uujpqtzmnufzkw');
  });
});
