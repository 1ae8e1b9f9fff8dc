import type { Pool } from 'pg';
import { type WebhookPayload, getJson } from './webhooks';

interface StoredRow {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: string;
  currency: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

interface PostingRow {
  transaction_id: string;
  account_id: string;
  side: string;
  amount: string;
}

export interface LedgerExpectations {
  /** Transactions meant to end FAILED (every attempt failed); all others must be PROCESSED. */
  failed?: ReadonlySet<string>;
  maxAttempts?: number;
}

const paise = (amount: number | string): bigint => {
  const [whole, fraction = ''] = String(amount).replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  return String(amount).startsWith('-') ? -value : value;
};

const rupees = (value: bigint): string => {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/**
 * The ledger after a scenario: every acknowledged transaction is stored once and ended as
 * intended, nothing unacknowledged is stored, each PROCESSED transaction has exactly its two
 * legs, a FAILED one none, and every account's balance (read through the API) is exactly the
 * sum of the distinct transactions it took part in.
 */
export async function expectLedgerConsistent(
  db: Pool,
  apiUrl: string,
  acknowledged: ReadonlyMap<string, WebhookPayload>,
  expectations: LedgerExpectations = {},
): Promise<void> {
  const failed = expectations.failed ?? new Set<string>();
  const { rows } = await db.query<StoredRow>(
    `SELECT transaction_id, source_account, destination_account, amount::text AS amount, currency, status, attempts, last_error FROM transactions`,
  );
  expect(rows.map((row) => row.transaction_id).sort()).toEqual([...acknowledged.keys()].sort());

  for (const row of rows) {
    const sent = acknowledged.get(row.transaction_id)!;
    const intended = failed.has(row.transaction_id) ? 'FAILED' : 'PROCESSED';
    expect({ id: row.transaction_id, status: row.status }).toEqual({ id: row.transaction_id, status: intended });
    expect(paise(row.amount)).toBe(paise(sent.amount));
    expect([row.source_account, row.destination_account, row.currency]).toEqual([
      sent.source_account,
      sent.destination_account,
      sent.currency,
    ]);
    if (intended === 'FAILED') {
      expect(row.last_error).toEqual(expect.any(String));
      if (expectations.maxAttempts) expect(row.attempts).toBe(expectations.maxAttempts);
    }
  }

  const postings = await db.query<PostingRow>(
    `SELECT t.transaction_id, p.account_id, p.side, p.amount::text AS amount
       FROM ledger_postings p JOIN transactions t ON t.id = p.transaction_id`,
  );
  const legs = new Map<string, PostingRow[]>();
  for (const posting of postings.rows) legs.set(posting.transaction_id, [...(legs.get(posting.transaction_id) ?? []), posting]);
  for (const [id, sent] of acknowledged) {
    const mine = (legs.get(id) ?? []).map((leg) => `${leg.side} ${leg.account_id} ${rupees(paise(leg.amount))}`).sort();
    const want = failed.has(id)
      ? []
      : [`credit ${sent.destination_account} ${rupees(paise(sent.amount))}`, `debit ${sent.source_account} ${rupees(-paise(sent.amount))}`];
    expect({ id, legs: mine }).toEqual({ id, legs: want });
  }

  const expected = new Map<string, bigint>();
  for (const [id, sent] of acknowledged) {
    if (failed.has(id)) continue;
    expected.set(sent.source_account, (expected.get(sent.source_account) ?? 0n) - paise(sent.amount));
    expected.set(sent.destination_account, (expected.get(sent.destination_account) ?? 0n) + paise(sent.amount));
  }
  const accounts = new Set([...acknowledged.values()].flatMap((sent) => [sent.source_account, sent.destination_account]));
  for (const account of accounts) {
    const { status, body } = await getJson<{ balances: Record<string, string> }>(apiUrl, `/v1/accounts/${account}/balance`);
    expect(status).toBe(200);
    const want = expected.has(account) ? { INR: rupees(expected.get(account)!) } : {};
    expect({ account, balances: body.balances }).toEqual({ account, balances: want });
  }
}
