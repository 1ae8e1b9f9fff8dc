import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a stopping worker must wait for: the settlements it started (they end in PostgreSQL),
 * then BullMQ reporting each job's end to Redis (moveToCompleted/Failed/Delayed), keyed by the
 * job's lock token so a job delivered twice is tracked twice.
 */
export class JobsInHand {
  private readonly settling = new Set<Promise<unknown>>();
  private readonly unreported = new Set<string>();

  get size(): number {
    return this.settling.size;
  }

  /** Wraps one settle() call; `token` stays unreported until reported(token). */
  async track<T>(token: string | undefined, work: Promise<T>): Promise<T> {
    if (token) this.unreported.add(token);
    this.settling.add(work);
    try {
      return await work;
    } finally {
      this.settling.delete(work);
    }
  }

  reported(token: string | undefined): void {
    if (token) this.unreported.delete(token);
  }

  /** Resolves once every settlement has ended, then once every report is in or `reportPatienceMs` ran out. */
  async drain(reportPatienceMs: number): Promise<void> {
    // A job fetched just before the worker paused may start while we wait: loop until none is left.
    while (this.settling.size > 0) await Promise.allSettled([...this.settling]);
    for (const deadline = Date.now() + reportPatienceMs; this.unreported.size > 0 && Date.now() < deadline; ) await sleep(20);
  }
}
