import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { AppConfig, loadConfig } from '@app/config';
import { ProblemException } from '@app/http';
import { providerFixture } from '../testing-fixtures';
import { StripeSignatureVerifier } from './stripe-signature.verifier';
import { StripeProvider } from './stripe.provider';

const SECRET = 'whsec_5f9c1a0e7b2d4c6e8a1b3d5f7e9c0a2b';
const OTHER = 'whsec_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const NOW_S = 1_767_225_600;
const stripe = new Stripe('sk_test_unused');

const sign = (payload: string, secret = SECRET, timestamp = NOW_S) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
const verifier = (secrets = [SECRET], nowS = NOW_S) => new StripeSignatureVerifier(secrets, () => nowS * 1000);
const check = (body: string, header: string | string[] | undefined, v = verifier()) =>
  v.verify(Buffer.from(body, 'utf8'), header === undefined ? {} : { 'stripe-signature': header });

describe('StripeSignatureVerifier', () => {
  const body = JSON.stringify(providerFixture('stripe', 'payment_intent.succeeded'));

  it("accepts a delivery signed by Stripe's own SDK", () => {
    expect(check(body, sign(body))).toEqual({ ok: true });
  });

  it('keys the HMAC with the whole whsec_ string, as Stripe does', () => {
    const mac = createHmac('sha256', SECRET).update(`${NOW_S}.${body}`).digest('hex');
    expect(sign(body)).toBe(`t=${NOW_S},v1=${mac}`);
    expect(check(body, `t=${NOW_S},v1=${mac}`)).toEqual({ ok: true });
  });

  it('accepts any v1 of several, and any configured secret (rotation on either side)', () => {
    const ours = sign(body, OTHER).split(',')[1];
    expect(check(body, `t=${NOW_S},v1=${'0'.repeat(64)},${ours}`, verifier([SECRET, OTHER]))).toEqual({ ok: true });
    expect(check(body, sign(body, OTHER), verifier([SECRET, OTHER]))).toEqual({ ok: true });
  });

  it('tolerates v0 entries and spaces, which Stripe may add', () => {
    const [t, v1] = sign(body).split(',');
    expect(check(body, ` ${t}, v0=abc, ${v1} `)).toEqual({ ok: true });
  });

  it.each([
    ['one byte changed', (b: string) => b.replace('2000', '2001')],
    ['whitespace added', (b: string) => `${b} `],
    ['re-serialised with indentation', (b: string) => JSON.stringify(JSON.parse(b), null, 2)],
  ])('rejects a body with %s', (_name, tamper) => {
    expect(check(tamper(body), sign(body))).toEqual({ ok: false, reason: 'no signature matches' });
  });

  it('rejects a signature made with another secret', () => {
    expect(check(body, sign(body, OTHER))).toEqual({ ok: false, reason: 'no signature matches' });
  });

  it.each([
    ['301 s old', NOW_S - 301],
    ['301 s ahead', NOW_S + 301],
  ])('rejects a timestamp %s (300 s tolerance)', (_name, at) => {
    expect(check(body, sign(body, SECRET, at))).toEqual({ ok: false, reason: 'timestamp outside the 300 second tolerance' });
  });

  it('accepts a timestamp exactly 300 s old', () => {
    expect(check(body, sign(body, SECRET, NOW_S - 300))).toEqual({ ok: true });
  });

  it.each([
    ['no header', undefined, /missing/],
    ['an empty header', '', /missing/],
    ['two headers', ['t=1,v1=aa', 't=1,v1=aa'], /missing/],
    ['no timestamp', 'v1=abcd', /t=/],
    ['two timestamps', `t=${NOW_S},t=${NOW_S},v1=abcd`, /t=/],
    ['a timestamp that is not a number', 't=soon,v1=abcd', /t=/],
    ['no v1', `t=${NOW_S},v0=abcd`, /no v1/],
    ['v1 not hex', `t=${NOW_S},v1=zz`, /no signature matches/],
    ['v1 truncated', `t=${NOW_S},v1=abc`, /no signature matches/],
  ])('rejects %s without throwing', (_name, header, reason) => {
    const result = check(body, header);
    expect(result.ok).toBe(false);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('verifies the exact bytes, even ones that are not valid UTF-8', () => {
    const raw = Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const mac = createHmac('sha256', SECRET).update(`${NOW_S}.`).update(raw).digest('hex');
    expect(verifier().verify(raw, { 'stripe-signature': `t=${NOW_S},v1=${mac}` })).toEqual({ ok: true });
    expect(verifier().verify(Buffer.from(raw.toString('utf8')), { 'stripe-signature': `t=${NOW_S},v1=${mac}` }).ok).toBe(false);
  });
});

describe('StripeProvider.map', () => {
  const provider = new StripeProvider(loadConfig({ STRIPE_WEBHOOK_SECRET: SECRET }));
  const map = (name: string, overrides: Record<string, unknown> = {}) => provider.map(providerFixture('stripe', name, overrides));

  function fieldErrors(run: () => unknown): unknown {
    try {
      run();
    } catch (error) {
      if (error instanceof ProblemException) return { status: error.problem.status, errors: error.problem.errors };
      throw error;
    }
    throw new Error('mapped without a problem');
  }

  it('is enabled only when STRIPE_WEBHOOK_SECRET is set', () => {
    expect(provider.enabled).toBe(true);
    expect(new StripeProvider(loadConfig({})).enabled).toBe(false);
    expect(new StripeProvider(new AppConfig({ ...loadConfig({}) })).verify(Buffer.from('{}'), {}).ok).toBe(false);
  });

  it("maps payment_intent.succeeded from Stripe's sample to a payment from the customer to the platform", () => {
    expect(map('payment_intent.succeeded')).toEqual({
      kind: 'payment',
      payment: expect.objectContaining({
        transactionId: 'stripe:pi_3OqNfZ2eZvKYlo2C0Ky4Ssvl',
        sourceAccount: 'stripe:customer:cus_PfijE9dDc7ySXW',
        destinationAccount: 'stripe:account:platform',
        amount: '20.00',
        currency: 'USD',
      }),
    });
  });

  it('pays the connected account of a Connect event, and an anonymous customer when there is none', () => {
    const mapping = map('payment_intent.succeeded', { account: 'acct_1032D82eZvKYlo2C', 'data.object.customer': null });
    expect(mapping).toMatchObject({
      payment: { sourceAccount: 'stripe:customer:anonymous', destinationAccount: 'stripe:account:acct_1032D82eZvKYlo2C' },
    });
  });

  it.each([
    ['jpy', 500, 'JPY', '500'],
    ['krw', 1000, 'KRW', '1000'],
    ['mga', 1000, 'MGA', '1000'],
    ['kwd', 1230, 'KWD', '1.230'],
    ['bhd', 5, 'BHD', '0.005'],
    ['isk', 500, 'ISK', '5.00'],
    ['huf', 150000, 'HUF', '1500.00'],
    ['eur', 1, 'EUR', '0.01'],
  ])('converts %s %i by Stripe’s currency rules to %s %s', (currency, amount, code, decimal) => {
    const mapping = map('payment_intent.succeeded', { 'data.object.currency': currency, 'data.object.amount_received': amount });
    expect(mapping).toMatchObject({ payment: { currency: code, amount: decimal } });
  });

  it('takes amount_received, not amount', () => {
    expect(map('payment_intent.succeeded', { 'data.object.amount': 5000 })).toMatchObject({ payment: { amount: '20.00' } });
  });

  it('maps a succeeded refund to a refund of its payment intent', () => {
    expect(map('refund.updated')).toEqual({
      kind: 'refund',
      refund: expect.objectContaining({
        transactionId: 'stripe:re_1Nispe2eZvKYlo2Cd31jOCgZ',
        payment: { transactionId: 'stripe:pi_3OqNfZ2eZvKYlo2C0Ky4Ssvl' },
        amount: '10.00',
        currency: 'USD',
      }),
    });
    expect(map('refund.updated', { type: 'refund.created' })).toMatchObject({ kind: 'refund' });
  });

  it.each(['pending', 'requires_action', 'failed', 'canceled'])('ignores a refund that is %s', (status) => {
    expect(map('refund.updated', { 'data.object.status': status })).toEqual({ kind: 'ignored', event: 'refund.updated' });
  });

  it('ignores a refund of a charge made without a PaymentIntent', () => {
    expect(map('refund.updated', { 'data.object.payment_intent': null })).toEqual({ kind: 'ignored', event: 'refund.updated' });
  });

  it.each(['payment_intent.created', 'charge.succeeded', 'charge.refunded', 'customer.created'])('ignores %s', (type) => {
    expect(map('payment_intent.succeeded', { type })).toEqual({ kind: 'ignored', event: type });
  });

  it('names every provider field at fault', () => {
    const overrides = { 'data.object.amount_received': 20.5, 'data.object.currency': 840, 'data.object.id': undefined };
    expect(fieldErrors(() => map('payment_intent.succeeded', overrides))).toEqual({
      status: 400,
      errors: expect.arrayContaining([
        { field: 'data.object.amount_received', message: expect.any(String) },
        { field: 'data.object.currency', message: 'must be a string' },
        { field: 'data.object.id', message: expect.any(String) },
      ]),
    });
  });

  it('needs an event type', () => {
    expect(fieldErrors(() => map('payment_intent.succeeded', { type: undefined }))).toEqual({
      status: 400,
      errors: [{ field: 'type', message: 'must be a string' }],
    });
  });
});
