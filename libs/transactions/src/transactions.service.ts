import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SettlementQueue } from '@app/queue';
import { Transaction, TransactionStatus } from './transaction.entity';
import { decodeCursor, encodeCursor } from './transaction-cursor';
import { StoredEvent } from './transaction-event.view';
import { TransactionEventsRepository } from './transaction-events.repository';
import { IntakeOrigin, TransactionIntakeBatcher } from './transaction-intake.batcher';
import { NewTransaction, TransactionsRepository } from './transactions.repository';

export type ReceiveOutcome =
  | { kind: 'created'; transaction: Transaction }
  | { kind: 'replayed'; transaction: Transaction }
  | { kind: 'conflict'; transaction: Transaction };

export interface TransactionListRequest {
  status?: TransactionStatus;
  account?: string;
  /** A cursor already validated by the request DTO. */
  cursor?: string;
  limit: number;
}

export interface TransactionPage {
  items: Transaction[];
  nextCursor: string | null;
}

/** Rows reopened per statement by a bulk retry: bounded locks and memory, whatever matches. */
export const BULK_RETRY_BATCH = 500;

export type RetryOutcome = { kind: 'requeued'; transaction: Transaction } | { kind: 'not-failed' } | { kind: 'unknown' };

@Injectable()
export class TransactionsService {
  constructor(
    private readonly repository: TransactionsRepository,
    private readonly queue: SettlementQueue,
    private readonly intake: TransactionIntakeBatcher,
    private readonly events: TransactionEventsRepository,
  ) {}

  /**
   * Records a transaction once, whatever the number of (concurrent) deliveries, in a statement
   * shared with other requests' rows (TransactionIntakeBatcher). Only the delivery that created
   * the row enqueues; if that enqueue cannot reach Redis the committed row is picked up by the
   * worker's recovery sweep.
   */
  async receive(input: NewTransaction, origin: IntakeOrigin): Promise<ReceiveOutcome> {
    const { created, transaction } = await this.intake.record(input, origin);
    if (created) {
      await this.queue.enqueue(transaction.transactionId, transaction.enqueueGeneration);
      return { kind: 'created', transaction };
    }
    return samePayload(transaction, input) ? { kind: 'replayed', transaction } : { kind: 'conflict', transaction };
  }

  findByTransactionId(transactionId: string): Promise<Transaction | null> {
    return this.repository.findByTransactionId(transactionId);
  }

  /** The transaction's timeline, oldest first; null for an unknown transaction. */
  timelineOf(transactionId: string): Promise<StoredEvent[] | null> {
    return this.events.timelineOf(transactionId);
  }

  /** PROCESSING (or FAILED: a late success) → PROCESSED once; `alongside` commits in the same database transaction. */
  completeProcessing(
    transactionId: string,
    alongside: (manager: EntityManager, transaction: Transaction, previousStatus: TransactionStatus) => Promise<void>,
  ): Promise<Transaction | null> {
    return this.repository.completeProcessing(transactionId, alongside);
  }

  /** Counts a failed attempt; null when the row is no longer PROCESSING (someone else finished it). */
  recordFailedAttempt(transactionId: string, error: string, maxAttempts: number): Promise<Transaction | null> {
    return this.repository.recordFailedAttempt(transactionId, error, maxAttempts);
  }

  /** FAILED without another call when the worker's current policy allows no further attempt. */
  failExhausted(transactionId: string, maxAttempts: number): Promise<Transaction | null> {
    return this.repository.failExhausted(transactionId, maxAttempts);
  }

  findIdleProcessing(idleSeconds: number, afterId: string, limit: number): Promise<Transaction[]> {
    return this.repository.findIdleProcessing(idleSeconds, afterId, limit);
  }

  bumpEnqueueGeneration(transactionId: string, generation: number): Promise<Transaction | null> {
    return this.repository.bumpEnqueueGeneration(transactionId, generation);
  }

  /** FAILED → PROCESSING and back on the queue; every other state is left alone. */
  async retry(transactionId: string): Promise<RetryOutcome> {
    const reopened = await this.repository.reopenFailed(transactionId);
    if (reopened) {
      await this.queue.enqueue(reopened.transactionId, reopened.enqueueGeneration);
      return { kind: 'requeued', transaction: reopened };
    }
    const existing = await this.repository.findByTransactionId(transactionId);
    return existing ? { kind: 'not-failed' } : { kind: 'unknown' };
  }

  /**
   * Every FAILED transaction (that failed at or after `since`, if given) back to PROCESSING
   * and onto the queue, as retry() does one. Walks the table once in id order, so rows that
   * fail again while this runs are not retried twice. A row whose enqueue misses Redis is
   * still PROCESSING and the recovery sweep enqueues it: each counted row will be processed.
   */
  async retryAllFailed(since?: Date): Promise<number> {
    let requeued = 0;
    for (let afterId = '0'; ;) {
      const batch = await this.repository.reopenFailedBatch(afterId, since, BULK_RETRY_BATCH);
      await this.queue.enqueueMany(batch.map((row) => ({ transactionId: row.transactionId, generation: row.enqueueGeneration })));
      requeued += batch.length;
      if (batch.length < BULK_RETRY_BATCH) return requeued;
      afterId = batch.reduce((max, row) => (BigInt(row.id) > BigInt(max) ? row.id : max), afterId);
    }
  }

  /** A page of transactions, newest first, and the cursor of the next page (null on the last). */
  async list(request: TransactionListRequest): Promise<TransactionPage> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (after === null) throw new RangeError('cursor was not validated'); // the request DTO rejects bad cursors with a 400
    const rows = await this.repository.listNewestFirst({
      status: request.status,
      account: request.account,
      after,
      limit: request.limit + 1, // one more than asked tells whether a next page exists
    });
    const page = rows.slice(0, request.limit);
    return {
      items: page.map((row) => row.transaction),
      nextCursor: rows.length > request.limit ? encodeCursor(page[page.length - 1].position) : null,
    };
  }
}

/** Amounts are canonical decimals (same scale per currency), so string equality is exact. */
function samePayload(existing: Transaction, input: NewTransaction): boolean {
  return (
    existing.sourceAccount === input.sourceAccount &&
    existing.destinationAccount === input.destinationAccount &&
    existing.currency === input.currency &&
    existing.amount === input.amount
  );
}
