import { type TransactionStatus } from './transaction.entity';
import { TRANSACTION_COLUMNS } from './transaction-row';
import type { ListPosition } from './transaction-cursor';

export interface TransactionListFilter {
  status?: TransactionStatus;
  /** Matches the source or the destination account. */
  account?: string;
  /** Keyset cursor: only rows after this one in the order (older, or as old with a smaller id). */
  after?: ListPosition;
  limit: number;
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** Every listed row also carries its exact created_at (µs since the epoch, as text) for the cursor. */
export const LISTING_COLUMNS = `${TRANSACTION_COLUMNS},
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_at_micros`;

/**
 * Newest first by created_at, the time users see, with the id breaking ties, keyset-paginated:
 * each page is an index range scan that stops after `limit` rows, whatever the page number.
 * (Ordering by id alone let concurrent intake batches interleave: an id taken later can carry an
 * earlier created_at.) Which index serves it (migration ListingByCreatedAt1764979200000):
 * - no filter: transactions_created_id_idx (created_at DESC, id DESC);
 * - status: transactions_status_created_id_idx;
 * - account: one scan of transactions_source_created_id_idx and one of
 *   transactions_destination_created_id_idx, each stopping after `limit` rows, merged. UNION ALL
 *   cannot return a row twice because the schema forbids source = destination. (An OR would
 *   need a bitmap scan of every row of the account and a sort, on every page.)
 */
export function listTransactionsSql(filter: TransactionListFilter): SqlQuery {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const shared: string[] = [];
  if (filter.status) shared.push(`status = ${param(filter.status)}`);
  if (filter.after) {
    // Exact microseconds: timestamptz 'epoch' + an integral interval, never a float.
    const at = `(timestamptz 'epoch' + ${param(filter.after.createdAtMicros)}::bigint * interval '1 microsecond')`;
    shared.push(`(created_at, id) < (${at}, ${param(filter.after.id)}::bigint)`);
  }
  const limit = param(filter.limit);
  const order = 'ORDER BY created_at DESC, id DESC';

  if (filter.account === undefined) {
    const where = shared.length > 0 ? `WHERE ${shared.join(' AND ')}` : '';
    return { sql: `SELECT ${LISTING_COLUMNS} FROM transactions ${where} ${order} LIMIT ${limit}`, params };
  }
  const account = param(filter.account);
  const side = (column: string) =>
    `(SELECT ${LISTING_COLUMNS} FROM transactions WHERE ${[`${column} = ${account}`, ...shared].join(' AND ')} ${order} LIMIT ${limit})`;
  return {
    sql: `SELECT * FROM (${side('source_account')} UNION ALL ${side('destination_account')}) AS either_side ${order} LIMIT ${limit}`,
    params,
  };
}
