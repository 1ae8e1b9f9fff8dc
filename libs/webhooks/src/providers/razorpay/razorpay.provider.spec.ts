import { createHmac } from 'node:crypto';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import { loadConfig } from '@app/config';
import { ProblemException } from '@app/http';
import { providerFixture } from '../testing-fixtures';
import { RazorpayProvider } from './razorpay.provider';

const SECRET = 'rzp-webhook-secret-0123';
const OLD = 'rzp-old-secret-4567';
const provider = (secrets = SECRET) => new RazorpayProvider(loadConfig({ RAZORPAY_WEBHOOK_SECRET: secrets }));
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const verify = (body: string, header: unknown, p = provider()) =>
  p.verify(Buffer.from(body, 'utf8'), header === undefined ? {} : { 'x-razorpay-signature': header as string });

describe('RazorpayProvider.verify', () => {
  const body = JSON.stringify(providerFixture('razorpay', 'payment.captured'));

  it("accepts what Razorpay's own validateWebhookSignature accepts", () => {
    const signature = sign(body);
    expect(validateWebhookSignature(body, signature, SECRET)).toBe(true);
    expect(verify(body, signature)).toEqual({ ok: true });
  });

  it("rejects what Razorpay's own validateWebhookSignature rejects", () => {
    const signature = sign(body, OLD);
    expect(validateWebhookSignature(body, signature, SECRET)).toBe(false);
    expect(verify(body, signature)).toEqual({ ok: false, reason: 'no signature matches' });
  });

  it('accepts either secret during a rotation', () => {
    expect(verify(body, sign(body, OLD), provider(`${SECRET},${OLD}`))).toEqual({ ok: true });
  });

  it.each([
    ['a changed byte', (b: string) => b.replace('"amount":100', '"amount":101')],
    ['a re-serialised body', (b: string) => JSON.stringify(JSON.parse(b), null, 1)],
  ])('rejects %s', (_name, tamper) => {
    expect(verify(tamper(body), sign(body)).ok).toBe(false);
  });

  it.each([
    ['no header', undefined, 'missing X-Razorpay-Signature header'],
    ['an empty header', '', 'missing X-Razorpay-Signature header'],
    ['two headers', [sign(body), sign(body)], 'missing X-Razorpay-Signature header'],
    ['base64 instead of hex', createHmac('sha256', SECRET).update(body).digest('base64'), 'no signature matches'],
    ['a truncated signature', sign(body).slice(0, 63), 'no signature matches'],
  ])('rejects %s', (_name, header, reason) => {
    expect(verify(body, header)).toEqual({ ok: false, reason });
  });

  it('is disabled without a secret, and verifies nothing then', () => {
    const off = new RazorpayProvider(loadConfig({}));
    expect(off.enabled).toBe(false);
    expect(off.verify(Buffer.from(body), { 'x-razorpay-signature': sign(body) }).ok).toBe(false);
  });
});

describe('RazorpayProvider.map', () => {
  const map = (name: string, overrides: Record<string, unknown> = {}) => provider().map(providerFixture('razorpay', name, overrides));

  it("maps payment.captured from Razorpay's sample: subunits to rupees, customer to account", () => {
    expect(map('payment.captured')).toEqual({
      kind: 'payment',
      payment: expect.objectContaining({
        transactionId: 'razorpay:pay_DESlfW9H8K9uqM',
        sourceAccount: 'razorpay:customer:cust_DESlNpBB3Kh5w7',
        destinationAccount: 'razorpay:account:acc_BFQ7uQEaa7j2z7',
        amount: '1.00',
        currency: 'INR',
      }),
    });
  });

  it('pays from an anonymous customer when the payment has none', () => {
    expect(map('payment.captured', { 'payload.payment.entity.customer_id': undefined })).toMatchObject({
      payment: { sourceAccount: 'razorpay:customer:anonymous' },
    });
  });

  it.each([
    ['KWD', 295990, '295.990'],
    ['JPY', 295, '295'],
    ['usd', 1999, '19.99'],
  ])('converts %s subunits by ISO 4217', (currency, amount, decimal) => {
    const mapping = map('payment.captured', { 'payload.payment.entity.currency': currency, 'payload.payment.entity.amount': amount });
    expect(mapping).toMatchObject({ payment: { amount: decimal, currency: currency.toUpperCase() } });
  });

  it('maps refund.processed to a refund of its payment', () => {
    expect(map('refund.processed')).toEqual({
      kind: 'refund',
      refund: expect.objectContaining({
        transactionId: 'razorpay:rfnd_FS8TWyPrCsa0OB',
        payment: { transactionId: 'razorpay:pay_DESlfW9H8K9uqM' },
        amount: '0.50',
        currency: 'INR',
      }),
    });
  });

  it('ignores the auto-refund of a payment that was never captured', () => {
    expect(map('refund.processed', { 'payload.payment.entity.captured': false })).toEqual({ kind: 'ignored', event: 'refund.processed' });
  });

  it.each(['payment.authorized', 'order.paid', 'refund.created', 'refund.failed'])('ignores %s', (event) => {
    expect(map('payment.captured', { event })).toEqual({ kind: 'ignored', event });
  });

  it('names the provider field at fault', () => {
    try {
      map('payment.captured', { 'payload.payment.entity.amount': '1.00' });
      throw new Error('mapped');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).problem.errors).toEqual([{ field: 'payload.payment.entity.amount', message: expect.any(String) }]);
    }
  });
});
