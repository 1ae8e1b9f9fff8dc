/**
 * How a batch forms (docs/decisions/2026-12-batched-settlement-commits.md): at most `maxBatch`
 * items per batch; an item waits at most `waitMs` for others to join it, none when no batch is
 * running; at most `maxInFlight` batches run at once, so under load the batches grow instead of
 * queueing on the connection pool.
 */
export interface BatchBounds {
  maxBatch: number;
  waitMs: number;
  maxInFlight: number;
}

export const SETTLEMENT_BATCH_BOUNDS: BatchBounds = { maxBatch: 100, waitMs: 2, maxInFlight: 4 };

/**
 * Groups items that arrive close together into bounded batches and hands each batch to `send`,
 * which answers every item in it. The grouping only: what a batch does, and how a failure is
 * answered, is the caller's.
 */
export class MicroBatches<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly send: (batch: T[]) => Promise<void>,
    private readonly bounds: BatchBounds,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.bounds.maxBatch) this.flush();
    // Alone (nothing running): go on the next turn of the event loop, with whatever arrived in this one.
    else this.timer ??= setTimeout(() => this.flush(), this.inFlight === 0 ? 0 : this.bounds.waitMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight >= this.bounds.maxInFlight) return; // the next batch to end flushes
    const batch = this.pending.splice(0, this.bounds.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    // `send` answers its items itself; a throw there is a bug, and must not stop later batches.
    void this.send(batch)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight--;
        // Whoever waited past its timer while every slot was busy goes now.
        if (this.timer === undefined && this.pending.length > 0) this.flush();
      });
    if (this.pending.length >= this.bounds.maxBatch) this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.bounds.waitMs);
  }
}
