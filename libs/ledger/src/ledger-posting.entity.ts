import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PostingSide = 'debit' | 'credit';

/** One leg of a double-entry posting; debits are negative, so an account's balance is a sum. */
@Entity({ name: 'ledger_postings' })
export class LedgerPosting {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** References transactions.id (the surrogate key), not the sender's transaction_id. */
  @Column({ name: 'transaction_id', type: 'bigint' })
  transactionRef!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 128 })
  accountId!: string;

  @Column({ type: 'varchar', length: 6 })
  side!: PostingSide;

  @Column({ type: 'numeric' })
  amount!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
