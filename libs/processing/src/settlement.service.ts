import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LedgerService } from '@app/ledger';
import { TransactionsService } from '@app/transactions';
import { backoffDelayMs } from './backoff';
import { SETTLEMENT_GATEWAY, SettlementGateway } from './settlement-gateway';

export type SettlementOutcome =
  | { kind: 'processed' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed' }
  | { kind: 'skipped'; reason: string };

/**
 * One settlement attempt: the external call with no database transaction or lock held, then
 * the guarded PROCESSING → PROCESSED transition and both ledger legs in one commit. Whatever
 * the queue redelivers, the guard lets exactly one attempt post.
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

  async settle(transactionId: string): Promise<SettlementOutcome> {
    const transaction = await this.transactions.findByTransactionId(transactionId);
    if (!transaction || transaction.status !== 'PROCESSING') {
      return { kind: 'skipped', reason: transaction ? `already ${transaction.status}` : 'unknown transaction' };
    }
    const attempt = transaction.attempts + 1;
    this.logger.log({ msg: `Processing transaction ${transactionId}`, transaction_id: transactionId, attempt });

    try {
      await this.gateway.settle({ ...transaction, attempt });
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
    return { kind: 'processed' };
  }

  private async recordFailure(transactionId: string, attempt: number, error: unknown): Promise<SettlementOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    const updated = await this.transactions.recordFailedAttempt(transactionId, message, this.config.processingMaxAttempts);
    if (!updated) return { kind: 'skipped', reason: 'settled concurrently by another delivery' };
    if (updated.status === 'FAILED') {
      this.logger.warn({ msg: `Transaction ${transactionId} marked as FAILED`, transaction_id: transactionId, attempt, outcome: 'failed', error: message });
      return { kind: 'failed' };
    }
    const delayMs = backoffDelayMs(this.config.processingBackoffMs, updated.attempts);
    this.logger.warn({ msg: `Transaction ${transactionId} attempt failed, retrying`, transaction_id: transactionId, attempt, outcome: 'retried', delay_ms: delayMs, error: message });
    return { kind: 'retry', delayMs };
  }
}
