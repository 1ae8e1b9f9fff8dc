import { Transaction, TransactionStatus } from './transaction.entity';

/** The transaction as the contract shows it to HTTP clients. */
export interface TransactionView {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: number;
  currency: string;
  status: TransactionStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  processed_at: string | null;
}

export function toTransactionView(transaction: Transaction): TransactionView {
  return {
    transaction_id: transaction.transactionId,
    source_account: transaction.sourceAccount,
    destination_account: transaction.destinationAccount,
    // The contract's amount is a JSON number. Stored amounts have at most 15 significant
    // digits, which a double carries exactly to and from its decimal text: this is
    // serialisation only, no arithmetic ever happens on it.
    amount: Number(transaction.amount),
    currency: transaction.currency,
    status: transaction.status,
    attempts: transaction.attempts,
    last_error: transaction.lastError,
    created_at: transaction.createdAt.toISOString(),
    updated_at: transaction.updatedAt.toISOString(),
    processed_at: transaction.processedAt ? transaction.processedAt.toISOString() : null,
  };
}
