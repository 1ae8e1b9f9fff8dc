import { setTimeout as sleep } from 'node:timers/promises';

/** What a drain left behind when its time ran out. */
export interface DrainResult {
  /** Settlements still running at the deadline: their job comes back through stall detection. */
  abandoned: number;
  /** Jobs whose work ended but whose end Redis did not record in time: likewise. */
  unreported: number;
}

/** How often the drain looks for reports from Redis. */
const REPORT_POLL_MS = 20;

/**
 * What a stopping worker must wait for: the settlements it started (they end in PostgreSQL),
 * then BullMQ reporting each job's end to Redis (moveToCompleted/Failed/Delayed), keyed by the
 * job's lock token so a job delivered twice is tracked twice. Both waits are bounded.
 */
export class JobsInHand {
  private readonly settling = new Set<Promise<unknown>>();
  /** Lock token → whether its settlement has ended (only ended ones are waited for). */
  private readonly unreported = new Map<string, boolean>();

  get size(): number {
    return this.settling.size;
  }

  /** Wraps one settle() call; `token` stays unreported until reported(token). */
  async track<T>(token: string | undefined, work: Promise<T>): Promise<T> {
    if (token) this.unreported.set(token, false);
    this.settling.add(work);
    try {
      return await work;
    } finally {
      this.settling.delete(work);
      if (token && this.unreported.has(token)) this.unreported.set(token, true);
    }
  }

  reported(token: string | undefined): void {
    if (token) this.unreported.delete(token);
  }

  /**
   * Waits until every settlement has ended or `settleBy` (epoch ms) has passed, then for the
   * reports of the jobs that ended, for up to `reportPatienceMs`.
   */
  async drain(settleBy: number, reportPatienceMs: number): Promise<DrainResult> {
    // A job fetched just before the worker paused may start while we wait: loop until none is left.
    while (this.settling.size > 0 && Date.now() < settleBy) {
      const timer = new AbortController();
      const timeUp = sleep(settleBy - Date.now(), undefined, { signal: timer.signal }).catch(() => undefined);
      await Promise.race([Promise.allSettled([...this.settling]), timeUp]);
      timer.abort();
    }
    for (const deadline = Date.now() + reportPatienceMs; this.endedUnreported() > 0 && Date.now() < deadline;) await sleep(REPORT_POLL_MS);
    return { abandoned: this.settling.size, unreported: this.endedUnreported() };
  }

  private endedUnreported(): number {
    let count = 0;
    for (const ended of this.unreported.values()) if (ended) count++;
    return count;
  }
}
