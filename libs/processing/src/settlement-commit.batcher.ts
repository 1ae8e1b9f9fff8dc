import { isDatabaseUnavailable } from '@app/http';
import type { CompletedTransaction } from '@app/transactions';

/** What one settlement's share of a batch commit came to. */
export type BatchedCompletion = ({ kind: 'committed' } & CompletedTransaction) | { kind: 'already-processed' };

/**
 * Commits the completions of these transaction ids in one database transaction and returns the
 * rows it moved to PROCESSED; an id left out was already PROCESSED (or is unknown).
 */
export type CommitMany = (transactionIds: string[]) => Promise<CompletedTransaction[]>;

/**
 * How a batch forms (docs/decisions/2026-12-batched-settlement-commits.md): at most `maxBatch`
 * settlements per commit; a settlement waits at most `waitMs` for others to join it, none when no
 * batch is committing; at most `maxInFlight` batches commit at once, so under load the batches
 * grow instead of queueing on the connection pool.
 */
export interface CommitBatchBounds {
  maxBatch: number;
  waitMs: number;
  maxInFlight: number;
}

export const COMMIT_BATCH_BOUNDS: CommitBatchBounds = { maxBatch: 100, waitMs: 2, maxInFlight: 4 };

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
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly commitMany: CommitMany,
    private readonly bounds: CommitBatchBounds = COMMIT_BATCH_BOUNDS,
  ) {}

  complete(transactionId: string): Promise<BatchedCompletion> {
    return new Promise<BatchedCompletion>((resolve, reject) => {
      this.pending.push({ transactionId, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending.length >= this.bounds.maxBatch) this.flush();
    // Alone (nothing committing): go on the next turn of the event loop, with whatever ended in this one.
    else this.timer ??= setTimeout(() => this.flush(), this.inFlight === 0 ? 0 : this.bounds.waitMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight >= this.bounds.maxInFlight) return; // the next batch to end flushes
    const batch = this.pending.splice(0, this.bounds.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    void this.commit(batch).finally(() => {
      this.inFlight--;
      // Whoever waited past its timer while every slot was busy goes now.
      if (this.timer === undefined && this.pending.length > 0) this.flush();
    });
    if (this.pending.length > 0) this.schedule();
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
