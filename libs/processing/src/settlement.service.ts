import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { isDatabaseUnavailable } from '@app/http';
import { LedgerService } from '@app/ledger';
import { Transaction, TransactionsService } from '@app/transactions';
import { backoffDelayMs } from './backoff';
import { SETTLEMENT_GATEWAY, SettlementGateway } from './settlement-gateway';

/** How long a job waits for PostgreSQL to come back before it tries again. */
export const STORAGE_RETRY_DELAY_MS = 5000;

/**
 * What one delivery of a settlement job came to; the processor acts on it and metrics count it.
 * - processed: posted to the ledger now (the only outcome that moves money)
 * - retry: the external call failed; the attempt is counted, try again after `delayMs`
 * - failed: the external call failed on the last allowed attempt; the row is FAILED, nothing posted
 * - deferred: PostgreSQL was unreachable; nothing counted, try again after `delayMs`
 * - skipped: nothing to do (already settled, superseded by a newer enqueue, or unknown)
 */
export type SettlementOutcome =
  | { kind: 'processed'; attempt: number }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string }
  | { kind: 'failed'; attempt: number; error: string }
  | { kind: 'deferred'; delayMs: number; error: string }
  | { kind: 'skipped'; reason: string };

/**
 * One settlement attempt: the external call with no database transaction or lock held, then
 * the guarded PROCESSING → PROCESSED transition and both ledger legs in one commit. Whatever
 * the queue redelivers, the guard lets exactly one attempt post. The policy (delay, attempts,
 * backoff, failure rate) is this process's configuration, whoever enqueued the job.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger(SettlementService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionsService,
    private readonly ledger: LedgerService,
    @Inject(SETTLEMENT_GATEWAY) private readonly gateway: SettlementGateway,
  ) {}

  /** `generation`: the enqueue generation the job was created for (absent: not checked). */
  async settle(transactionId: string, generation?: number): Promise<SettlementOutcome> {
    try {
      return await this.attempt(transactionId, generation);
    } catch (error) {
      // An outage is not the transaction's fault: no attempt is counted, the job just waits.
      if (!isDatabaseUnavailable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ msg: `PostgreSQL unavailable while settling ${transactionId}; trying again later`, transaction_id: transactionId, outcome: 'deferred', error: message });
      return { kind: 'deferred', delayMs: STORAGE_RETRY_DELAY_MS, error: message };
    }
  }

  private async attempt(transactionId: string, generation?: number): Promise<SettlementOutcome> {
    const transaction = await this.transactions.findByTransactionId(transactionId);
    if (!transaction) return { kind: 'skipped', reason: 'unknown transaction' };
    const skip = skipReason(transaction, generation);
    if (skip) return { kind: 'skipped', reason: skip };
    if (transaction.attempts >= this.config.processingMaxAttempts) return this.failExhausted(transaction);
    const attempt = transaction.attempts + 1;
    this.logger.log({ msg: `Processing transaction ${transactionId}`, transaction_id: transactionId, attempt, outcome: 'started' });

    try {
      await this.gateway.settle({
        transactionId: transaction.transactionId,
        sourceAccount: transaction.sourceAccount,
        destinationAccount: transaction.destinationAccount,
        amount: transaction.amount,
        currency: transaction.currency,
        attempt,
      });
    } catch (error) {
      return this.recordFailure(transactionId, attempt, error);
    }

    const posted = await this.transactions.completeProcessing(transactionId, (manager, row) =>
      this.ledger.post(manager, {
        transactionRef: row.id,
        debitAccount: row.sourceAccount,
        creditAccount: row.destinationAccount,
        amount: row.amount,
        currency: row.currency,
      }),
    );
    if (!posted) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    this.logger.log({ msg: `Transaction ${transactionId} marked as PROCESSED`, transaction_id: transactionId, attempt, outcome: 'processed' });
    return { kind: 'processed', attempt };
  }

  /** Workers restarted with a lower PROCESSING_MAX_ATTEMPTS apply it at once: no further call. */
  private async failExhausted(transaction: Transaction): Promise<SettlementOutcome> {
    const { transactionId, attempts } = transaction;
    const failed = await this.transactions.failExhausted(transactionId, this.config.processingMaxAttempts);
    if (!failed) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    const error = failed.lastError ?? 'no attempts left under the current policy';
    this.logger.warn({ msg: `Transaction ${transactionId} marked as FAILED`, transaction_id: transactionId, attempt: attempts, outcome: 'failed', error });
    return { kind: 'failed', attempt: attempts, error };
  }

  private async recordFailure(transactionId: string, attempt: number, error: unknown): Promise<SettlementOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    const updated = await this.transactions.recordFailedAttempt(transactionId, message, this.config.processingMaxAttempts);
    if (!updated) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    if (updated.status === 'FAILED') {
      this.logger.warn({ msg: `Transaction ${transactionId} marked as FAILED`, transaction_id: transactionId, attempt, outcome: 'failed', error: message });
      return { kind: 'failed', attempt, error: message };
    }
    const delayMs = backoffDelayMs(this.config.processingBackoffMs, updated.attempts);
    this.logger.warn({ msg: `Transaction ${transactionId} attempt failed, retrying`, transaction_id: transactionId, attempt, outcome: 'retried', delay_ms: delayMs, error: message });
    return { kind: 'retry', attempt, delayMs, error: message };
  }
}

function skipReason(transaction: Transaction, generation: number | undefined): string | undefined {
  if (transaction.status !== 'PROCESSING') return `already ${transaction.status}`;
  // A manual retry or the sweep enqueued a newer job; that one does the work.
  if (generation !== undefined && generation !== transaction.enqueueGeneration) return 'superseded by a newer enqueue';
  return undefined;
}
