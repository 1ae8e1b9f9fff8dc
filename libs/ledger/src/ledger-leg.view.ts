import { ApiProperty } from '@nestjs/swagger';
import { PostingSide } from './ledger-posting.entity';

/** One leg of a transaction's posting. */
export class LedgerLegView {
  @ApiProperty({ example: 'user_acc_1' })
  account_id!: string;

  @ApiProperty({ enum: ['debit', 'credit'], example: 'debit' })
  direction!: PostingSide;

  @ApiProperty({ example: '25.00', description: 'Exact decimal string, always positive: the direction says which way' })
  amount!: string;

  @ApiProperty({ example: 'INR' })
  currency!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T09:12:34.051Z' })
  posted_at!: string;
}

/** GET /v1/transactions/{transaction_id}/ledger. */
export class LedgerLegListView {
  @ApiProperty({ type: [LedgerLegView], description: 'The debit then the credit; [] until the transaction is PROCESSED' })
  items!: LedgerLegView[];
}
