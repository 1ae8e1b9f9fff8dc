import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { isDatabaseUnavailable } from '@app/http';
import { LedgerService } from '@app/ledger';
import { Transaction, TransactionsService } from '@app/transactions';
import { backoffDelayMs } from './backoff';
import { SettlementCommitBatcher } from './settlement-commit.batcher';
import { SettlementCommitter, commitSettlements } from './settlement-committer';
import { SettlementLookupBatcher } from './settlement-lookup.batcher';
import { withSettlementDeadline } from './settlement-deadline';
import { SETTLEMENT_GATEWAY, SettlementGateway } from './settlement-gateway';

/** How long a job waits for PostgreSQL to come back before it tries again. */
export const STORAGE_RETRY_DELAY_MS = 5000;

/**
 * What one delivery of a settlement job came to; the processor acts on it and metrics count it.
 * - processed: posted to the ledger now (the only outcome that moves money); `lateSuccess`: the
 *   row had been marked FAILED by another delivery, and the provider settled it after all
 * - retry: the external call failed; the attempt is counted, try again after `delayMs`
 * - failed: the external call failed on the last allowed attempt; the row is FAILED, nothing posted
 * - deferred: PostgreSQL was unavailable; nothing counted, try again after `delayMs`.
 *   `callSucceeded`: the call already succeeded, so the next delivery must commit, not call again
 * - skipped: nothing to do (already settled, superseded by a newer enqueue, or unknown)
 */
export type SettlementOutcome =
  | { kind: 'processed'; attempt: number; lateSuccess?: true }
  | { kind: 'retry'; attempt: number; delayMs: number; error: string }
  | { kind: 'failed'; attempt: number; error: string }
  | { kind: 'deferred'; delayMs: number; error: string; callSucceeded?: true }
  | { kind: 'skipped'; reason: string };

export interface SettleOptions {
  /** An earlier delivery of this job saw the call succeed: commit without calling again. */
  callSucceeded?: boolean;
  /** Aborted when the worker stops: commit retries give up and the job is handed back. */
  stopping?: AbortSignal;
  /** Hears what a call abandoned at its deadline came to, if it succeeded after all (for metrics). */
  onLateAnswer?: (outcome: SettlementOutcome) => void;
}

/**
 * One settlement attempt: the external call (bounded by SETTLEMENT_TIMEOUT_MS) with no database
 * transaction or lock held, then the guarded transition to PROCESSED and both ledger legs in
 * one commit, retried through a PostgreSQL outage rather than calling again. Whatever the queue
 * redelivers, the guard lets exactly one attempt post. The policy (delay, attempts, backoff,
 * failure rate, deadline) is this process's configuration, whoever enqueued the job.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger(SettlementService.name);
  private readonly committer: SettlementCommitter;
  private readonly lookups: SettlementLookupBatcher;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionsService,
    ledger: LedgerService,
    @Inject(SETTLEMENT_GATEWAY) private readonly gateway: SettlementGateway,
  ) {
    this.committer = new SettlementCommitter(new SettlementCommitBatcher(commitSettlements(transactions, ledger)));
    this.lookups = new SettlementLookupBatcher((ids) => transactions.findByTransactionIds(ids));
  }

  /** `generation`: the enqueue generation the job was created for (absent: not checked). */
  async settle(transactionId: string, generation?: number, options: SettleOptions = {}): Promise<SettlementOutcome> {
    try {
      return await this.attempt(transactionId, generation, options);
    } catch (error) {
      // An outage is not the transaction's fault: no attempt is counted, the job just waits.
      if (!isDatabaseUnavailable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({
        msg: `PostgreSQL unavailable while settling ${transactionId}; trying again later`,
        transaction_id: transactionId,
        outcome: 'deferred',
        error: message,
      });
      return deferred(message, options.callSucceeded);
    }
  }

  private async attempt(transactionId: string, generation: number | undefined, options: SettleOptions): Promise<SettlementOutcome> {
    const transaction = await this.lookups.find(transactionId);
    if (!transaction) return { kind: 'skipped', reason: 'unknown transaction' };
    if (options.callSucceeded) {
      // The provider settled it already: only PROCESSED ends this, whatever else happened since.
      if (transaction.status === 'PROCESSED') return { kind: 'skipped', reason: 'already PROCESSED' };
      this.logger.log({
        msg: `Committing ${transactionId} without calling again: an earlier delivery's call succeeded`,
        transaction_id: transactionId,
        outcome: 'commit_resumed',
      });
      return this.commit(transactionId, transaction.attempts + 1, options.stopping);
    }
    const skip = skipReason(transaction, generation);
    if (skip) return { kind: 'skipped', reason: skip };
    if (transaction.attempts >= this.config.processingMaxAttempts) return this.failExhausted(transaction);
    const attempt = transaction.attempts + 1;
    this.logger.log({ msg: `Processing transaction ${transactionId}`, transaction_id: transactionId, attempt, outcome: 'started' });

    try {
      await withSettlementDeadline(
        this.config.settlementTimeoutMs,
        (signal) =>
          this.gateway.settle({
            transactionId: transaction.transactionId,
            sourceAccount: transaction.sourceAccount,
            destinationAccount: transaction.destinationAccount,
            amount: transaction.amount,
            currency: transaction.currency,
            attempt,
            signal,
          }),
        () => this.commitLateAnswer(transactionId, attempt, options),
      );
    } catch (error) {
      return this.recordFailure(transactionId, attempt, error);
    }
    return this.commit(transactionId, attempt, options.stopping);
  }

  /**
   * The call was abandoned at its deadline (the attempt counted as failed), yet the provider
   * settled it: record that, whatever the row's state since (a retry in flight, or FAILED). The
   * guard on the commit and the unique ledger legs keep it to one posting.
   */
  private commitLateAnswer(transactionId: string, attempt: number, options: SettleOptions): void {
    this.logger.warn({
      msg: `The settlement call for ${transactionId} succeeded after its deadline; recording it`,
      transaction_id: transactionId,
      attempt,
      outcome: 'late_answer',
    });
    this.commit(transactionId, attempt, options.stopping).then(
      (outcome) => options.onLateAnswer?.(outcome.kind === 'processed' ? { ...outcome, lateSuccess: true } : outcome),
      (error: Error) =>
        this.logger.error({
          msg: `Could not record the late settlement of ${transactionId}: ${error.message}; the next attempt settles it again`,
          transaction_id: transactionId,
          attempt,
        }),
    );
  }

  private async commit(transactionId: string, attempt: number, stopping?: AbortSignal): Promise<SettlementOutcome> {
    const completion = await this.committer.commit(transactionId, stopping);
    if (completion.kind === 'pending') return deferred(completion.error, true);
    if (completion.kind === 'already-processed') return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    if (completion.previousStatus === 'FAILED') {
      // Another delivery gave up on it (a lost lock), yet the provider settled it: the ledger follows the provider.
      this.logger.error({
        msg: `Transaction ${transactionId} was FAILED but its settlement succeeded: now PROCESSED`,
        transaction_id: transactionId,
        attempt,
        outcome: 'late_success',
      });
      return { kind: 'processed', attempt, lateSuccess: true };
    }
    this.logger.log({
      msg: `Transaction ${transactionId} marked as PROCESSED`,
      transaction_id: transactionId,
      attempt,
      outcome: 'processed',
    });
    return { kind: 'processed', attempt };
  }

  /** Workers restarted with a lower PROCESSING_MAX_ATTEMPTS apply it at once: no further call. */
  private async failExhausted(transaction: Transaction): Promise<SettlementOutcome> {
    const { transactionId, attempts } = transaction;
    const failed = await this.transactions.failExhausted(transactionId, this.config.processingMaxAttempts);
    if (!failed) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    const error = failed.lastError ?? 'no attempts left under the current policy';
    this.logger.warn({
      msg: `Transaction ${transactionId} marked as FAILED`,
      transaction_id: transactionId,
      attempt: attempts,
      outcome: 'failed',
      error,
    });
    return { kind: 'failed', attempt: attempts, error };
  }

  private async recordFailure(transactionId: string, attempt: number, error: unknown): Promise<SettlementOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    const updated = await this.transactions.recordFailedAttempt(transactionId, message, this.config.processingMaxAttempts);
    if (!updated) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    if (updated.status === 'FAILED') {
      this.logger.warn({
        msg: `Transaction ${transactionId} marked as FAILED`,
        transaction_id: transactionId,
        attempt,
        outcome: 'failed',
        error: message,
      });
      return { kind: 'failed', attempt, error: message };
    }
    const delayMs = backoffDelayMs(this.config.processingBackoffMs, updated.attempts);
    this.logger.warn({
      msg: `Transaction ${transactionId} attempt failed, retrying`,
      transaction_id: transactionId,
      attempt,
      outcome: 'retried',
      delay_ms: delayMs,
      error: message,
    });
    return { kind: 'retry', attempt, delayMs, error: message };
  }
}

function deferred(error: string, callSucceeded?: boolean): SettlementOutcome {
  return callSucceeded
    ? { kind: 'deferred', delayMs: STORAGE_RETRY_DELAY_MS, error, callSucceeded: true }
    : { kind: 'deferred', delayMs: STORAGE_RETRY_DELAY_MS, error };
}

function skipReason(transaction: Transaction, generation: number | undefined): string | undefined {
  if (transaction.status !== 'PROCESSING') return `already ${transaction.status}`;
  // A manual retry or the sweep enqueued a newer job; that one does the work.
  if (generation !== undefined && generation !== transaction.enqueueGeneration) return 'superseded by a newer enqueue';
  return undefined;
}
