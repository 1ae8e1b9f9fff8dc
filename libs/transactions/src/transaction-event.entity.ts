import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TransactionEventType = 'received' | 'attempt_failed' | 'processed' | 'failed' | 'retried';
export const TRANSACTION_EVENT_TYPES: readonly TransactionEventType[] = ['received', 'attempt_failed', 'processed', 'failed', 'retried'];

/** One entry of a transaction's append-only timeline; the migration TransactionEvents owns the DDL. */
@Entity({ name: 'transaction_events' })
export class TransactionEvent {
  /** bigserial: a string, so ids past 2^53 stay exact. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** The sender's transaction_id (references transactions.transaction_id), not the surrogate key. */
  @Column({ name: 'transaction_id', type: 'varchar', length: 128 })
  transactionId!: string;

  @Column({ type: 'varchar', length: 20 })
  type!: TransactionEventType;

  /** Type-specific, snake_case keys (docs/api.md). */
  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /**
   * The writing transaction's id, for ordering by commit. xid8 in the table; TypeORM knows no such
   * type, and pg returns it as a decimal string, so it is mapped as text and never written here.
   */
  @Column({ type: 'text', insert: false, update: false })
  xid!: string;
}
