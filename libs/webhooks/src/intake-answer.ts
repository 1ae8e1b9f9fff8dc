import type { Response } from 'express';
import { Problems } from '@app/http';
import { type ReceiveOutcome, type TransactionView, toTransactionView } from '@app/transactions';

/**
 * The answer to a recorded delivery, the same on the native and the provider routes: 202 (or the
 * provider's own success status) with
 * Location, `Idempotent-Replayed: true` for a redelivery, 409 when the id holds another payload.
 */
export function answerIntake(res: Response, outcome: ReceiveOutcome, transactionId: string, status: 200 | 202 = 202): TransactionView {
  if (outcome.kind === 'conflict') {
    throw Problems.conflict('idempotency-conflict', `Transaction "${transactionId}" was already received with a different payload.`);
  }
  res.status(status);
  res.setHeader('Location', `/v1/transactions/${encodeURIComponent(outcome.transaction.transactionId)}`);
  if (outcome.kind === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
  return toTransactionView(outcome.transaction);
}
