import { ApiProperty } from '@nestjs/swagger';
import { TRANSACTION_STATUSES, Transaction, TransactionStatus } from './transaction.entity';

/** The transaction as the API shows it to HTTP clients (and the OpenAPI schema of it). */
export class TransactionView {
  @ApiProperty({ example: 'txn_demo_1' })
  transaction_id!: string;

  @ApiProperty({ example: 'user_acc_1' })
  source_account!: string;

  @ApiProperty({ example: 'merchant_acc_1' })
  destination_account!: string;

  @ApiProperty({ example: 2500, description: "Exact, with at most the currency's minor-unit digits" })
  amount!: number;

  @ApiProperty({ example: 'INR', description: 'ISO 4217 code' })
  currency!: string;

  @ApiProperty({ enum: TRANSACTION_STATUSES, example: 'PROCESSING' })
  status!: TransactionStatus;

  @ApiProperty({ example: 0, description: 'Processing attempts made so far' })
  attempts!: number;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the last attempt failed' })
  last_error!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T09:12:33.120Z' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T09:12:33.120Z' })
  updated_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  processed_at!: string | null;
}

export function toTransactionView(transaction: Transaction): TransactionView {
  return {
    transaction_id: transaction.transactionId,
    source_account: transaction.sourceAccount,
    destination_account: transaction.destinationAccount,
    // The API's amount is a JSON number (docs/api.md). Stored amounts have at most 15 significant
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
