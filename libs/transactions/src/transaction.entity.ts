import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TransactionStatus = 'PROCESSING' | 'PROCESSED' | 'FAILED';
export const TRANSACTION_STATUSES: readonly TransactionStatus[] = ['PROCESSING', 'PROCESSED', 'FAILED'];

/** Mapped onto the table created by InitialSchema; the migration, not TypeORM, owns the DDL. */
@Entity({ name: 'transactions' })
export class Transaction {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'transaction_id', type: 'varchar', length: 128 })
  transactionId!: string;

  @Column({ name: 'source_account', type: 'varchar', length: 128 })
  sourceAccount!: string;

  @Column({ name: 'destination_account', type: 'varchar', length: 128 })
  destinationAccount!: string;

  /** A canonical decimal string (PostgreSQL numeric): money never passes through a float. */
  @Column({ type: 'numeric' })
  amount!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: TransactionStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Bumped on every manual or sweep re-enqueue so each gets a fresh deterministic job id. */
  @Column({ name: 'enqueue_generation', type: 'integer' })
  enqueueGeneration!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
