import { createHmac } from 'node:crypto';
import { loadConfig } from '@app/config';
import { providerFixture } from '../testing-fixtures';
import { PaystackProvider } from './paystack.provider';

const KEY = 'sk_test_0123456789abcdef0123456789abcdef01234567';
const OLD = 'sk_test_fedcba9876543210fedcba9876543210fedcba98';
const provider = (keys = KEY) => new PaystackProvider(loadConfig({ PAYSTACK_SECRET_KEY: keys }));
const sign = (body: string, key = KEY) => createHmac('sha512', key).update(body).digest('hex');
const verify = (body: string, header: string | undefined, p = provider()) =>
  p.verify(Buffer.from(body, 'utf8'), header === undefined ? {} : { 'x-paystack-signature': header });

describe('PaystackProvider.verify', () => {
  const body = JSON.stringify(providerFixture('paystack', 'charge.success'));

  it('accepts the hex HMAC-SHA512 of the raw body under the secret key', () => {
    expect(verify(body, sign(body))).toEqual({ ok: true });
    expect(verify(body, sign(body).toUpperCase())).toEqual({ ok: true });
  });

  it('accepts either key during a rotation', () => {
    expect(verify(body, sign(body, OLD), provider(`${KEY},${OLD}`))).toEqual({ ok: true });
  });

  it.each([
    ['no header', undefined, 'missing x-paystack-signature header'],
    ['a SHA-256 HMAC', createHmac('sha256', KEY).update(body).digest('hex'), 'no signature matches'],
    ['another key', sign(body, OLD), 'no signature matches'],
    ['a changed body', sign(`${body} `), 'no signature matches'],
  ])('rejects %s', (_name, header, reason) => {
    expect(verify(body, header)).toEqual({ ok: false, reason });
  });
});

describe('PaystackProvider.map', () => {
  const map = (name: string, overrides: Record<string, unknown> = {}) => provider().map(providerFixture('paystack', name, overrides));

  it("maps charge.success from Paystack's sample, remembering the reference its refunds will use", () => {
    expect(map('charge.success')).toEqual({
      kind: 'payment',
      payment: expect.objectContaining({
        transactionId: 'paystack:302961',
        sourceAccount: 'paystack:customer:CUS_qo38as2hpsgk2r0',
        destinationAccount: 'paystack:account:platform',
        amount: '100.00',
        currency: 'NGN',
        reference: 'qTPrJoy9Bx',
      }),
    });
  });

  it('pays the subaccount of a split payment', () => {
    const mapping = map('charge.success', { 'data.subaccount': { id: 37614, subaccount_code: 'ACCT_6uujpqtzmnufzkw' } });
    expect(mapping).toMatchObject({ payment: { destinationAccount: 'paystack:account:ACCT_6uujpqtzmnufzkw' } });
  });

  it('maps refund.processed (amount as a digit string) to a refund naming its payment by reference', () => {
    expect(map('refund.processed')).toEqual({
      kind: 'refund',
      refund: expect.objectContaining({
        transactionId: 'paystack:refund:132013318360',
        payment: { reference: 'qTPrJoy9Bx' },
        amount: '50.00',
        currency: 'NGN',
      }),
    });
  });

  it("falls back to the refund's id when it has no refund_reference", () => {
    expect(map('refund.processed', { 'data.refund_reference': null, 'data.id': 98765 })).toMatchObject({
      refund: { transactionId: 'paystack:refund:98765' },
    });
  });

  it.each(['charge.failed', 'refund.pending', 'refund.failed', 'transfer.success'])('ignores %s', (event) => {
    expect(map('charge.success', { event })).toEqual({ kind: 'ignored', event });
  });
});
