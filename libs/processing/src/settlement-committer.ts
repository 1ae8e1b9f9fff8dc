import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@app/http';
import { type LedgerService } from '@app/ledger';
import { type Transaction, type TransactionStatus, type TransactionsService } from '@app/transactions';
import type { CommitMany, SettlementCommitBatcher } from './settlement-commit.batcher';

/**
 * How a completion (PROCESSED + both ledger legs) is retried after a call that succeeded, while
 * PostgreSQL is unavailable: inside the same job, whose BullMQ lock the worker keeps renewing,
 * so the provider is not called again. 250 ms doubling to 5 s, for up to 5 minutes; past that
 * the job is handed back marked "call succeeded" (see SettlementProcessor).
 */
export interface CompletionRetrySchedule {
  firstDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
}

export const COMPLETION_RETRY: CompletionRetrySchedule = { firstDelayMs: 250, maxDelayMs: 5000, deadlineMs: 300_000 };

/**
 * - committed: PROCESSED now, with its legs; `previousStatus` FAILED means a late success
 * - already-processed: another delivery committed it first
 * - pending: PostgreSQL stayed unavailable until the deadline (or the worker is stopping)
 */
export type Completion =
  | { kind: 'committed'; transaction: Transaction; previousStatus: TransactionStatus }
  | { kind: 'already-processed' }
  | { kind: 'pending'; error: string };

/** PROCESSED and both ledger legs for a batch of settlements, in one database transaction. */
export function commitSettlements(transactions: TransactionsService, ledger: LedgerService): CommitMany {
  return (transactionIds) =>
    transactions.completeProcessingBatch(transactionIds, (manager, completed) =>
      ledger.post(
        manager,
        completed.map(({ transaction }) => ({
          transactionRef: transaction.id,
          debitAccount: transaction.sourceAccount,
          creditAccount: transaction.destinationAccount,
          amount: transaction.amount,
          currency: transaction.currency,
        })),
      ),
    );
}

/**
 * Commits the end of a settlement whose external call succeeded, in a batch shared with other
 * settlements (SettlementCommitBatcher), retrying through outages on this settlement's own schedule.
 */
export class SettlementCommitter {
  private readonly logger = new Logger('SettlementService');

  constructor(
    private readonly batcher: Pick<SettlementCommitBatcher, 'complete'>,
    private readonly schedule: CompletionRetrySchedule = COMPLETION_RETRY,
  ) {}

  /** `stopping`: once aborted, no further wait; an outage then ends as pending. */
  async commit(transactionId: string, stopping?: AbortSignal): Promise<Completion> {
    const deadline = Date.now() + this.schedule.deadlineMs;
    for (let delay = this.schedule.firstDelayMs, tries = 1; ; tries++, delay = Math.min(delay * 2, this.schedule.maxDelayMs)) {
      try {
        return await this.commitOnce(transactionId);
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        if (tries === 1) {
          this.logger.warn({
            msg: `Settlement of ${transactionId} succeeded but PostgreSQL is unavailable; retrying the commit, not the call`,
            transaction_id: transactionId,
            outcome: 'commit_waiting',
            error: message,
          });
        }
        if (stopping?.aborted || Date.now() + delay > deadline) return { kind: 'pending', error: message };
        await sleep(delay, undefined, { signal: stopping }).catch(() => undefined);
      }
    }
  }

  private async commitOnce(transactionId: string): Promise<Completion> {
    const completion = await this.batcher.complete(transactionId);
    return completion.kind === 'committed'
      ? { kind: 'committed', transaction: completion.transaction, previousStatus: completion.previousStatus }
      : completion;
  }
}
