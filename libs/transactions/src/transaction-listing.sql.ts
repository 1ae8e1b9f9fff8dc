import { TransactionStatus } from './transaction.entity';
import { TRANSACTION_COLUMNS } from './transaction-row';

export interface TransactionListFilter {
  status?: TransactionStatus;
  /** Matches the source or the destination account. */
  account?: string;
  /** Keyset cursor: only rows with a smaller id (older) than this. */
  beforeId?: string;
  limit: number;
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * Newest first by the identity id, keyset-paginated: each page is an index range scan that
 * stops after `limit` rows, whatever the page number, and rows inserted meanwhile (higher ids)
 * never shift the pages still to come. Which index serves it:
 * - no filter: the primary key, backwards;
 * - status: transactions_status_id_idx (status, id DESC);
 * - account: one scan of transactions_source_id_idx and one of transactions_destination_id_idx,
 *   each stopping after `limit` rows, merged. UNION ALL cannot return a row twice because the
 *   schema forbids source = destination. (An OR would need a bitmap scan of every row of the
 *   account and a sort, on every page.)
 */
export function listTransactionsSql(filter: TransactionListFilter): SqlQuery {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const shared: string[] = [];
  if (filter.status) shared.push(`status = ${param(filter.status)}`);
  if (filter.beforeId) shared.push(`id < ${param(filter.beforeId)}`);
  const limit = param(filter.limit);

  if (filter.account === undefined) {
    const where = shared.length > 0 ? `WHERE ${shared.join(' AND ')}` : '';
    return { sql: `SELECT ${TRANSACTION_COLUMNS} FROM transactions ${where} ORDER BY id DESC LIMIT ${limit}`, params };
  }
  const account = param(filter.account);
  const side = (column: string) =>
    `(SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE ${[`${column} = ${account}`, ...shared].join(' AND ')} ORDER BY id DESC LIMIT ${limit})`;
  return {
    sql: `SELECT * FROM (${side('source_account')} UNION ALL ${side('destination_account')}) AS either_side ORDER BY id DESC LIMIT ${limit}`,
    params,
  };
}
