import { createHmac, randomInt } from 'node:crypto';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import Stripe from 'stripe';
import type { Test } from 'supertest';
// Tests read the providers' published sample events where the providers keep them.
import { providerFixture } from '../../libs/webhooks/src/providers/testing-fixtures';
import { type TestApp, uniqueId } from './test-app';
import { type Delivery, deliverBytes } from './webhooks';

export { stripePaymentEvent } from './webhooks';

export const STRIPE_SECRET = 'whsec_e2eTestSigningSecret0123456789';
export const RAZORPAY_SECRET = 'rzp-e2e-webhook-secret';
export const PAYSTACK_KEY = 'sk_test_e2e0123456789abcdef0123456789abcdef0123';

const stripe = new Stripe('sk_test_unused_by_tests');

export interface PaymentSpec {
  id: string;
  /** Minor units, as the provider sends them. */
  minor: number;
  currency: string;
  customer: string;
  /** Paystack's transaction reference (the others ignore it). */
  reference?: string;
}

export interface RefundSpec {
  id: string;
  paymentId: string;
  minor: number;
  currency: string;
  /** Paystack names the payment by reference. */
  reference?: string;
}

/** Everything a provider-generic e2e suite needs to speak one provider's language. */
export interface ProviderKit {
  name: 'stripe' | 'razorpay' | 'paystack';
  env: Record<string, string>;
  /** What a recorded delivery is answered: 202, or 200 for a provider that counts only 200 as delivered. */
  acceptedStatus: 200 | 202;
  newPayment(overrides?: Partial<PaymentSpec>): PaymentSpec;
  payment(spec: PaymentSpec): Record<string, unknown>;
  refund(spec: RefundSpec): Record<string, unknown>;
  /** A genuine event type this route answers 200 "ignored". */
  ignored(): Record<string, unknown>;
  signatureHeaders(body: string): Record<string, string>;
  paymentTransactionId(spec: PaymentSpec): string;
  refundTransactionId(spec: RefundSpec): string;
  customerAccount(spec: PaymentSpec): string;
  merchantAccount: string;
  /** Currencies whose minor units differ from 2, with one amount each: [currency, minor, decimal]. */
  oddCurrencies: Array<[string, number, string]>;
}

export const stripeKit: ProviderKit = {
  name: 'stripe',
  env: { STRIPE_WEBHOOK_SECRET: STRIPE_SECRET },
  acceptedStatus: 202,
  newPayment: (o = {}) => ({ id: uniqueId('pi'), minor: 2000, currency: 'usd', customer: uniqueId('cus'), ...o }),
  payment: (p) =>
    providerFixture('stripe', 'payment_intent.succeeded', {
      id: uniqueId('evt'),
      'data.object.id': p.id,
      'data.object.amount': p.minor,
      'data.object.amount_received': p.minor,
      'data.object.currency': p.currency,
      'data.object.customer': p.customer,
    }),
  refund: (r) =>
    providerFixture('stripe', 'refund.updated', {
      id: uniqueId('evt'),
      'data.object.id': r.id,
      'data.object.payment_intent': r.paymentId,
      'data.object.amount': r.minor,
      'data.object.currency': r.currency,
    }),
  ignored: () =>
    providerFixture('stripe', 'payment_intent.succeeded', {
      id: uniqueId('evt'),
      type: 'payment_intent.created',
      'data.object.id': uniqueId('pi'),
    }),
  signatureHeaders: (body) => ({ 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) }),
  paymentTransactionId: (p) => `stripe:${p.id}`,
  refundTransactionId: (r) => `stripe:${r.id}`,
  customerAccount: (p) => `stripe:customer:${p.customer}`,
  merchantAccount: 'stripe:account:platform',
  oddCurrencies: [
    ['jpy', 5000, '5000'],
    ['kwd', 12340, '12.340'],
  ],
};

/** Signed as Razorpay does, and checked with Razorpay's own validator before it is sent. */
function razorpaySignature(body: string): string {
  const signature = createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex');
  if (!validateWebhookSignature(body, signature, RAZORPAY_SECRET)) throw new Error('razorpay SDK disagrees with the test signer');
  return signature;
}

export const razorpayKit: ProviderKit = {
  name: 'razorpay',
  env: { RAZORPAY_WEBHOOK_SECRET: RAZORPAY_SECRET },
  acceptedStatus: 202,
  newPayment: (o = {}) => ({ id: uniqueId('pay'), minor: 150000, currency: 'INR', customer: uniqueId('cust'), ...o }),
  payment: (p) =>
    providerFixture('razorpay', 'payment.captured', {
      'payload.payment.entity.id': p.id,
      'payload.payment.entity.amount': p.minor,
      'payload.payment.entity.base_amount': p.minor,
      'payload.payment.entity.currency': p.currency,
      'payload.payment.entity.customer_id': p.customer,
    }),
  refund: (r) =>
    providerFixture('razorpay', 'refund.processed', {
      'payload.refund.entity.id': r.id,
      'payload.refund.entity.payment_id': r.paymentId,
      'payload.refund.entity.amount': r.minor,
      'payload.refund.entity.currency': r.currency,
      'payload.payment.entity.id': r.paymentId,
      'payload.payment.entity.currency': r.currency,
    }),
  ignored: () =>
    providerFixture('razorpay', 'payment.captured', { event: 'payment.authorized', 'payload.payment.entity.id': uniqueId('pay') }),
  signatureHeaders: (body) => ({ 'X-Razorpay-Signature': razorpaySignature(body) }),
  paymentTransactionId: (p) => `razorpay:${p.id}`,
  refundTransactionId: (r) => `razorpay:${r.id}`,
  customerAccount: (p) => `razorpay:customer:${p.customer}`,
  merchantAccount: 'razorpay:account:acc_BFQ7uQEaa7j2z7',
  oddCurrencies: [
    ['JPY', 295, '295'],
    ['KWD', 295990, '295.990'],
  ],
};

export const paystackKit: ProviderKit = {
  name: 'paystack',
  env: { PAYSTACK_SECRET_KEY: PAYSTACK_KEY },
  acceptedStatus: 200,
  newPayment: (o = {}) => ({
    id: String(randomInt(1, 2 ** 47)),
    minor: 1_000_000,
    currency: 'NGN',
    customer: `CUS_${uniqueId('c')}`,
    reference: uniqueId('ref'),
    ...o,
  }),
  payment: (p) =>
    providerFixture('paystack', 'charge.success', {
      'data.id': Number(p.id),
      'data.reference': p.reference,
      'data.amount': p.minor,
      'data.currency': p.currency,
      'data.customer.customer_code': p.customer,
    }),
  refund: (r) =>
    providerFixture('paystack', 'refund.processed', {
      'data.refund_reference': r.id,
      'data.transaction_reference': r.reference,
      'data.amount': String(r.minor),
      'data.currency': r.currency,
    }),
  ignored: () => providerFixture('paystack', 'charge.success', { event: 'subscription.create', 'data.id': randomInt(1, 2 ** 47) }),
  signatureHeaders: (body) => ({ 'x-paystack-signature': createHmac('sha512', PAYSTACK_KEY).update(body).digest('hex') }),
  paymentTransactionId: (p) => `paystack:${p.id}`,
  refundTransactionId: (r) => `paystack:refund:${r.id}`,
  customerAccount: (p) => `paystack:customer:${p.customer}`,
  merchantAccount: 'paystack:account:platform',
  oddCurrencies: [
    ['XOF', 5000, '5000'],
    ['KWD', 295990, '295.990'],
  ],
};

/** POSTs exactly these bytes to a provider route, signed unless `headers` says otherwise. */
export function postProviderEvent(
  app: TestApp,
  kit: ProviderKit,
  body: string,
  headers: Record<string, string> = kit.signatureHeaders(body),
): Test {
  const req = app.http().post(`/v1/webhooks/${kit.name}`).set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req.send(body);
}

export function balanceOf(app: TestApp, account: string): Promise<Record<string, string>> {
  return app
    .http()
    .get(`/v1/accounts/${encodeURIComponent(account)}/balance`)
    .expect(200)
    .then((res) => res.body.balances as Record<string, string>);
}

// The fault suite's Stripe duplicate storm: real processes, so fetch rather than supertest.

export const STORM_STRIPE_SECRET = 'whsec_faultSuiteStripeSecret0123456789';

/** POSTs the exact bytes to the Stripe route, signed as Stripe signs them (fresh timestamp each time). */
export function deliverToStripe(baseUrl: string, body: string, timeoutMs = 15_000): Promise<Delivery> {
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STORM_STRIPE_SECRET });
  return deliverBytes(`${baseUrl}/v1/webhooks/stripe`, body, { 'stripe-signature': signature }, timeoutMs);
}
