import { randomBytes } from 'node:crypto';

export interface WebhookPayload {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: number;
  currency: 'INR';
}

export interface Delivery {
  status: number;
  /** Milliseconds from sending to the full answer (0 when the request failed outright). */
  ms: number;
  replayed: boolean;
  retryAfter: string | null;
  body: unknown;
  error?: string;
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
    const destination = ACCOUNTS[(i * 3 + 1) % ACCOUNTS.length] === source ? ACCOUNTS[(i + 2) % ACCOUNTS.length] : ACCOUNTS[(i * 3 + 1) % ACCOUNTS.length];
    const paise = 100 + ((i * 7919) % 99_900); // 1.00 .. 999.99
    return { transaction_id: `${label}_${run}_${i}`, source_account: source, destination_account: destination, amount: paise / 100, currency: 'INR' };
  });
}

export async function deliver(baseUrl: string, payload: unknown, timeoutMs = 15_000): Promise<Delivery> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
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
    if (Date.now() > deadline) throw new Error(`${payload.transaction_id} never accepted; last answer ${answer.status} ${answer.error ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function post(baseUrl: string, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function getJson<T = Record<string, unknown>>(baseUrl: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
