import { Transaction, type TransactionStatus } from './transaction.entity';

/** A transactions row as the raw queries return it (see TRANSACTION_COLUMNS). */
export interface TransactionRow {
  id: string;
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: string;
  currency: string;
  status: TransactionStatus;
  attempts: number;
  last_error: string | null;
  enqueue_generation: number;
  created_at: Date;
  updated_at: Date;
  processed_at: Date | null;
}

/** The select list of every query that maps rows with toTransaction; amount stays exact text. */
export const TRANSACTION_COLUMNS = `id, transaction_id, source_account, destination_account, amount::text AS amount, currency,
  status, attempts, last_error, enqueue_generation, created_at, updated_at, processed_at`;

export function toTransaction(row: TransactionRow): Transaction {
  return Object.assign(new Transaction(), {
    id: row.id,
    transactionId: row.transaction_id,
    sourceAccount: row.source_account,
    destinationAccount: row.destination_account,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    enqueueGeneration: row.enqueue_generation,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    processedAt: row.processed_at,
  });
}
