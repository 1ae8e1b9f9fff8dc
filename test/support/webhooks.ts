import { randomBytes } from 'node:crypto';
import { uniqueId } from './unique-names';

// Webhook bodies, and sending them to a running service over HTTP as a provider would. Plain
// node (fetch), so the benchmark and the smoke run use it as well as the suites.

/** A webhook body as senders post it; tests add fields (`extra`) to probe validation. */
export interface WebhookBody {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: number;
  currency: string;
  [extra: string]: unknown;
}

/** The fault suite's payloads: one currency, so every balance can be checked exactly. */
export interface WebhookPayload extends WebhookBody {
  currency: 'INR';
}

/** A valid webhook body with fresh ids; a test (or the benchmark) overrides what it is about. */
export function webhookBody(overrides: Partial<WebhookBody> = {}): WebhookBody {
  // Defaults only where no override is given: the benchmark builds a body per request.
  return {
    transaction_id: overrides.transaction_id ?? uniqueId('txn'),
    source_account: overrides.source_account ?? uniqueId('src'),
    destination_account: overrides.destination_account ?? uniqueId('dst'),
    amount: 2500,
    currency: 'INR',
    ...overrides,
  };
}

/** A Stripe payment_intent.succeeded event shaped as Stripe's sample, for an INR amount in paise. */
export function stripePaymentEvent(paymentIntent: string, customer: string, paise: number, eventId = `evt_${paymentIntent}`): string {
  return JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2024-06-20',
    type: 'payment_intent.succeeded',
    livemode: false,
    data: {
      object: {
        id: paymentIntent,
        object: 'payment_intent',
        amount: paise,
        amount_received: paise,
        currency: 'inr',
        customer,
        status: 'succeeded',
      },
    },
  });
}

const ACCOUNTS = ['acc_a', 'acc_b', 'acc_c', 'acc_d', 'acc_e'];

/**
 * Payloads over a small set of accounts, so balances aggregate many transactions, with
 * amounts in paise that exercise the decimal digits.
 */
export function makePayloads(count: number, label: string): WebhookPayload[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => {
    const source = ACCOUNTS[i % ACCOUNTS.length];
    const destination =
      ACCOUNTS[(i * 3 + 1) % ACCOUNTS.length] === source ? ACCOUNTS[(i + 2) % ACCOUNTS.length] : ACCOUNTS[(i * 3 + 1) % ACCOUNTS.length];
    const paise = 100 + ((i * 7919) % 99_900); // 1.00 .. 999.99
    return {
      transaction_id: `${label}_${run}_${i}`,
      source_account: source,
      destination_account: destination,
      amount: paise / 100,
      currency: 'INR',
    };
  });
}

/** Deadline for one request to a running service. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often a sender redelivers a webhook the service did not acknowledge. */
const REDELIVERY_EVERY_MS = 250;

export interface Delivery {
  status: number;
  /** Milliseconds from sending to the full answer (0 when the request failed outright). */
  ms: number;
  replayed: boolean;
  retryAfter: string | null;
  body: unknown;
  error?: string;
}

export function deliver(baseUrl: string, payload: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Delivery> {
  return deliverBytes(`${baseUrl}/v1/webhooks/transactions`, JSON.stringify(payload), {}, timeoutMs);
}

/** POSTs `body` exactly as given (a provider signs these bytes), as JSON, with `headers` added. */
export async function deliverBytes(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Delivery> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
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

/** Redelivers, as a sender would, until the service acknowledges with a 202. */
export async function deliverUntilAccepted(baseUrl: string, payload: WebhookPayload, timeoutMs = 60_000): Promise<Delivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await deliver(baseUrl, payload);
    if (answer.status === 202) return answer;
    if (Date.now() > deadline)
      throw new Error(`${payload.transaction_id} never accepted; last answer ${answer.status} ${answer.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, REDELIVERY_EVERY_MS));
  }
}

export async function post(baseUrl: string, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function getJson<T = Record<string, unknown>>(baseUrl: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
