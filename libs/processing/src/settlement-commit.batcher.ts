import { isDatabaseUnavailable } from '@app/http';
import type { CompletedTransaction } from '@app/transactions';
import { type BatchBounds, MicroBatches, SETTLEMENT_BATCH_BOUNDS } from './micro-batches';

/** What one settlement's share of a batch commit came to. */
export type BatchedCompletion = ({ kind: 'committed' } & CompletedTransaction) | { kind: 'already-processed' };

/**
 * Commits the completions of these transaction ids in one database transaction and returns the
 * rows it moved to PROCESSED; an id left out was already PROCESSED (or is unknown).
 */
export type CommitMany = (transactionIds: string[]) => Promise<CompletedTransaction[]>;

interface Pending {
  transactionId: string;
  resolve: (completion: BatchedCompletion) => void;
  reject: (error: unknown) => void;
}

/**
 * Shares one database transaction among the completions of concurrent settlements, the way intake
 * shares one statement among concurrent deliveries. Each caller's promise settles only after the
 * commit covering it (a job is acknowledged after that). A batch that fails on one row is retried
 * one settlement at a time, so the bad one fails alone; an unavailable PostgreSQL fails the batch
 * at once, and each caller applies its own retry schedule (SettlementCommitter).
 */
export class SettlementCommitBatcher {
  private readonly batches: MicroBatches<Pending>;

  constructor(
    private readonly commitMany: CommitMany,
    bounds: BatchBounds = SETTLEMENT_BATCH_BOUNDS,
  ) {
    this.batches = new MicroBatches((batch) => this.commit(batch), bounds);
  }

  complete(transactionId: string): Promise<BatchedCompletion> {
    return new Promise<BatchedCompletion>((resolve, reject) => this.batches.add({ transactionId, resolve, reject }));
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      answer(batch, await this.commitMany(uniqueIds(batch)));
    } catch (error) {
      // One bad row (a constraint, a trigger) must not fail its neighbours: each settlement is
      // committed alone. An unavailable PostgreSQL fails them all at once, as one commit would have.
      const ids = uniqueIds(batch);
      if (ids.length === 1 || isDatabaseUnavailable(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      for (const id of ids) {
        const same = batch.filter((p) => p.transactionId === id);
        try {
          answer(same, await this.commitMany([id]));
        } catch (alone) {
          for (const p of same) p.reject(alone);
        }
      }
    }
  }
}

/** Sorted: every batch locks its rows in one global order (the statement also orders by row id). */
function uniqueIds(batch: Pending[]): string[] {
  return [...new Set(batch.map((p) => p.transactionId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The first settlement of a moved id gets the commit; a second one in the same batch found it done. */
function answer(batch: Pending[], completed: CompletedTransaction[]): void {
  const byId = new Map(completed.map((c) => [c.transaction.transactionId, c]));
  for (const p of batch) {
    const hit = byId.get(p.transactionId);
    byId.delete(p.transactionId);
    p.resolve(hit ? { kind: 'committed', ...hit } : { kind: 'already-processed' });
  }
}
