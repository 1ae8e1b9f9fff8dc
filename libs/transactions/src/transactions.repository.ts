import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@app/database';
import { Transaction, TransactionStatus } from './transaction.entity';
import { TRANSACTION_COLUMNS as COLUMNS, TransactionRow, toTransaction } from './transaction-row';
import type { ListPosition } from './transaction-cursor';
import { TransactionListFilter, listTransactionsSql } from './transaction-listing.sql';

export interface NewTransaction {
  transactionId: string;
  sourceAccount: string;
  destinationAccount: string;
  /** Canonical decimal with the currency's minor-unit digits. */
  amount: string;
  currency: string;
}

/** Queries over the transactions table; the rules that decide when to run them live in services. */
@Injectable()
export class TransactionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByTransactionId(transactionId: string): Promise<Transaction | null> {
    const rows: TransactionRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM transactions WHERE transaction_id = $1`, [
      transactionId,
    ]);
    return rows.length > 0 ? toTransaction(rows[0]) : null;
  }

  /**
   * The guarded transition to PROCESSED and whatever must commit with it, in one database
   * transaction. The row lock makes a concurrent duplicate wait, then find the status changed
   * and do nothing: exactly one caller ever gets a row back. FAILED is accepted too: a call
   * that succeeded always wins, even over a concurrent delivery that gave up (a lost lock).
   * `alongside` learns which status the row left. Never from PROCESSED.
   */
  async completeProcessing(
    transactionId: string,
    alongside: (manager: EntityManager, transaction: Transaction, previousStatus: TransactionStatus) => Promise<void>,
  ): Promise<Transaction | null> {
    // inTransaction, not dataSource.transaction: a half left open by a timeout must never be committed by the next borrower.
    return inTransaction(this.dataSource, async (manager) => {
      const [rows]: [Array<TransactionRow & { previous_status: TransactionStatus }>, number] = await manager.query(
        `WITH previous AS (
           SELECT id AS locked_id, status AS previous_status FROM transactions
            WHERE transaction_id = $1 AND status IN ('PROCESSING', 'FAILED')
            FOR UPDATE
         )
         UPDATE transactions
            SET status = 'PROCESSED', attempts = attempts + 1, processed_at = now(), updated_at = now()
           FROM previous
          WHERE id = previous.locked_id AND status IN ('PROCESSING', 'FAILED')
          RETURNING ${COLUMNS}, previous.previous_status`,
        [transactionId],
      );
      if (rows.length === 0) return null;
      const transaction = toTransaction(rows[0]);
      await alongside(manager, transaction, rows[0].previous_status);
      return transaction;
    });
  }

  /** Counts a failed attempt; the attempt that reaches maxAttempts also moves the row to FAILED. */
  async recordFailedAttempt(transactionId: string, error: string, maxAttempts: number): Promise<Transaction | null> {
    const [rows]: [TransactionRow[], number] = await this.dataSource.query(
      `UPDATE transactions
          SET attempts = attempts + 1,
              last_error = $2,
              status = CASE WHEN attempts + 1 >= $3 THEN 'FAILED' ELSE status END,
              updated_at = now()
        WHERE transaction_id = $1 AND status = 'PROCESSING'
        RETURNING ${COLUMNS}`,
      [transactionId, error.slice(0, 1000), maxAttempts],
    );
    return rows.length > 0 ? toTransaction(rows[0]) : null;
  }

  /** PROCESSING → FAILED for a row whose failed attempts already reach maxAttempts (a lowered policy). */
  async failExhausted(transactionId: string, maxAttempts: number): Promise<Transaction | null> {
    const [rows]: [TransactionRow[], number] = await this.dataSource.query(
      `UPDATE transactions SET status = 'FAILED', updated_at = now()
        WHERE transaction_id = $1 AND status = 'PROCESSING' AND attempts >= $2
        RETURNING ${COLUMNS}`,
      [transactionId, maxAttempts],
    );
    return rows.length > 0 ? toTransaction(rows[0]) : null;
  }

  /** PROCESSING rows untouched for `idleSeconds`, in id order after `afterId`: candidates for the recovery sweep. */
  async findIdleProcessing(idleSeconds: number, afterId: string, limit: number): Promise<Transaction[]> {
    const rows: TransactionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM transactions
        WHERE status = 'PROCESSING' AND id > $1 AND updated_at < now() - make_interval(secs => $2)
        ORDER BY id
        LIMIT $3`,
      [afterId, idleSeconds, limit],
    );
    return rows.map(toTransaction);
  }

  /** A new enqueue generation for a row whose job is finished or lost, if it is still PROCESSING. */
  async bumpEnqueueGeneration(transactionId: string, generation: number): Promise<Transaction | null> {
    const [rows]: [TransactionRow[], number] = await this.dataSource.query(
      `UPDATE transactions SET enqueue_generation = enqueue_generation + 1, updated_at = now()
        WHERE transaction_id = $1 AND status = 'PROCESSING' AND enqueue_generation = $2
        RETURNING ${COLUMNS}`,
      [transactionId, generation],
    );
    return rows.length > 0 ? toTransaction(rows[0]) : null;
  }

  /**
   * FAILED → PROCESSING with a fresh attempt budget and a new enqueue generation. The mode names
   * the `retried` event the trigger writes (set_config(…, true) lasts until this statement commits).
   */
  async reopenFailed(transactionId: string): Promise<Transaction | null> {
    const [rows]: [TransactionRow[], number] = await this.dataSource.query(
      `WITH mode AS (SELECT set_config('paycheck.retry_mode', 'single', true))
       UPDATE transactions
          SET status = 'PROCESSING', attempts = 0, enqueue_generation = enqueue_generation + 1, updated_at = now()
         FROM mode
        WHERE transaction_id = $1 AND status = 'FAILED'
        RETURNING ${COLUMNS}`,
      [transactionId],
    );
    return rows.length > 0 ? toTransaction(rows[0]) : null;
  }

  /** One keyset page, newest first (see listTransactionsSql for the indexes it uses). */
  async listNewestFirst(filter: TransactionListFilter): Promise<Array<{ transaction: Transaction; position: ListPosition }>> {
    const { sql, params } = listTransactionsSql(filter);
    const rows: Array<TransactionRow & { created_at_micros: string }> = await this.dataSource.query(sql, params);
    return rows.map((row) => ({ transaction: toTransaction(row), position: { createdAtMicros: row.created_at_micros, id: row.id } }));
  }

  /**
   * reopenFailed for up to `limit` FAILED rows after `afterId` (in id order) in one statement,
   * optionally only those that failed at or after `since`. Rows are locked, then re-checked,
   * so a concurrent single retry or bulk retry reopens each row once.
   */
  async reopenFailedBatch(afterId: string, since: Date | undefined, limit: number): Promise<Transaction[]> {
    const [rows]: [TransactionRow[], number] = await this.dataSource.query(
      `WITH picked AS (
         SELECT id AS picked_id FROM transactions
          WHERE status = 'FAILED' AND id > $1 AND ($2::timestamptz IS NULL OR updated_at >= $2::timestamptz)
          ORDER BY id
          LIMIT $3
          FOR UPDATE
       ), mode AS (SELECT set_config('paycheck.retry_mode', 'bulk', true))
       UPDATE transactions t
          SET status = 'PROCESSING', attempts = 0, enqueue_generation = t.enqueue_generation + 1, updated_at = now()
         FROM picked, mode
        WHERE t.id = picked.picked_id AND t.status = 'FAILED'
        RETURNING ${COLUMNS}`,
      [afterId, since ?? null, limit],
    );
    return rows.map(toTransaction);
  }
}
