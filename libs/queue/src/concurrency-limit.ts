/**
 * Permits shared by every shard's worker in one process, so WORKER_CONCURRENCY bounds the jobs
 * the process holds across all shards. First come, first served, without barging: a permit that
 * frees while others wait goes to the longest waiter, and each shard's worker waits for at most
 * one permit at a time, so a shard with work gets at least one permit in every N that free up
 * however deep another shard's backlog is.
 */
export class ConcurrencyLimit {
  private free: number;
  private readonly waiters: Array<(granted: boolean) => void> = [];
  private closed = false;

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Permits in use. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Fetches waiting for a permit (at most one per shard's worker). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a permit when one is free and nobody waits for one; never waits. */
  tryAcquire(): boolean {
    if (this.closed || this.free === 0 || this.waiters.length > 0) return false;
    this.free--;
    return true;
  }

  /** Resolves true with a permit, or false once the limit is closed (the process is stopping). */
  acquire(): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next)
      next(true); // handed over: the count of free permits is unchanged
    else this.free = Math.min(this.size, this.free + 1);
  }

  /** No permit is handed out any more; whoever waits gets false. Permits still held may be released. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }
}
