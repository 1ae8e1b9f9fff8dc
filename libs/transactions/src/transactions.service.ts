import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SettlementQueue } from '@app/queue';
import { Transaction } from './transaction.entity';
import { NewTransaction, TransactionsRepository } from './transactions.repository';

export type ReceiveOutcome =
  | { kind: 'created'; transaction: Transaction }
  | { kind: 'replayed'; transaction: Transaction }
  | { kind: 'conflict'; transaction: Transaction };

export type RetryOutcome = { kind: 'requeued'; transaction: Transaction } | { kind: 'not-failed' } | { kind: 'unknown' };

@Injectable()
export class TransactionsService {
  constructor(
    private readonly repository: TransactionsRepository,
    private readonly queue: SettlementQueue,
  ) {}

  /**
   * Records a transaction once, whatever the number of (concurrent) deliveries. Only the
   * delivery whose insert created the row enqueues; if that enqueue cannot reach Redis the
   * committed row is picked up by the worker's recovery sweep.
   */
  async receive(input: NewTransaction): Promise<ReceiveOutcome> {
    const created = await this.repository.insertIfAbsent(input);
    if (created) {
      await this.queue.enqueue(created.transactionId, created.enqueueGeneration);
      return { kind: 'created', transaction: created };
    }
    const existing = await this.repository.findByTransactionId(input.transactionId);
    if (!existing) {
      // Unreachable while rows are never deleted; kept explicit rather than asserted.
      throw new Error('transaction vanished between insert and read');
    }
    return samePayload(existing, input) ? { kind: 'replayed', transaction: existing } : { kind: 'conflict', transaction: existing };
  }

  findByTransactionId(transactionId: string): Promise<Transaction | null> {
    return this.repository.findByTransactionId(transactionId);
  }

  /** PROCESSING → PROCESSED once; `alongside` commits in the same database transaction. */
  completeProcessing(
    transactionId: string,
    alongside: (manager: EntityManager, transaction: Transaction) => Promise<void>,
  ): Promise<Transaction | null> {
    return this.repository.completeProcessing(transactionId, alongside);
  }

  /** Counts a failed attempt; null when the row is no longer PROCESSING (someone else finished it). */
  recordFailedAttempt(transactionId: string, error: string, maxAttempts: number): Promise<Transaction | null> {
    return this.repository.recordFailedAttempt(transactionId, error, maxAttempts);
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
