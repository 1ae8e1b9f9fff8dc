import Stripe from 'stripe';
import { Delivery } from './webhooks';

export const STORM_STRIPE_SECRET = 'whsec_faultSuiteStripeSecret0123456789';
const stripe = new Stripe('sk_test_unused_by_tests');

/** A payment_intent.succeeded event shaped as Stripe's sample, for an INR amount in paise. */
export function stripePaymentEvent(paymentIntent: string, customer: string, paise: number): string {
  return JSON.stringify({
    id: `evt_${paymentIntent}`,
    object: 'event',
    api_version: '2024-06-20',
    type: 'payment_intent.succeeded',
    livemode: false,
    data: { object: { id: paymentIntent, object: 'payment_intent', amount: paise, amount_received: paise, currency: 'inr', customer, status: 'succeeded' } },
  });
}

/** POSTs the exact bytes to the Stripe route, signed as Stripe signs them (fresh timestamp each time). */
export async function deliverToStripe(baseUrl: string, body: string, timeoutMs = 15_000): Promise<Delivery> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: STORM_STRIPE_SECRET }),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return {
      status: res.status,
      ms: Date.now() - started,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      retryAfter: res.headers.get('retry-after'),
      body: text ? JSON.parse(text) : null,
    };
  } catch (error) {
    return { status: 0, ms: Date.now() - started, replayed: false, retryAfter: null, body: null, error: (error as Error).message };
  }
}
