import { type Job, Worker, type WorkerOptions } from 'bullmq';
import { type ConcurrencyLimit } from './concurrency-limit';

/**
 * A BullMQ worker whose jobs count against a ConcurrencyLimit shared with the workers of the
 * other shards (docs/decisions/2026-12-queue-shards.md). A permit is taken before a job is moved
 * to active and given back when BullMQ has recorded its end, so the jobs one process holds in
 * Redis never exceed the limit, whichever shards they come from.
 *
 * Two of BullMQ's fetch paths are shaped for this:
 * - fetching the next job in the same call that completes one ("fetch next") is off: it would
 *   keep the permit in the same shard for as long as that shard has a backlog, starving the
 *   others. Every job goes through moveToActive, in the order permits free up.
 * - a fetch does not wait for a permit while jobs this worker already fetched are not yet
 *   started (BullMQ fetches several before starting them): they would sit active, untracked by
 *   the lock renewal, for as long as the wait. It answers "no job" instead, BullMQ starts those,
 *   and the next fetch waits.
 * Both rely on BullMQ's worker loop as of bullmq 6; test/e2e/queue-shards.e2e-spec.ts holds it
 * to the bound.
 */
export class LimitedWorker<Data = unknown, Result = unknown> extends Worker<Data, Result> {
  /** Jobs moved to active by this worker that BullMQ has not started processing yet. */
  private unstarted = 0;

  constructor(
    name: string,
    processor: (job: Job<Data, Result>, token?: string) => Promise<Result>,
    options: WorkerOptions,
    private readonly limit: ConcurrencyLimit,
  ) {
    // Each worker may fetch up to the whole limit: the shared permits are what bound the total.
    super(name, processor, { ...options, concurrency: limit.size, autorun: false });
  }

  protected override async moveToActive(token: string, name?: string): Promise<Job<Data, Result>> {
    if (!this.limit.tryAcquire()) {
      if (this.unstarted > 0) return undefined as unknown as Job<Data, Result>;
      const granted = await this.limit.acquire();
      if (!granted) return undefined as unknown as Job<Data, Result>;
      if (this.isPaused() || this.closing) {
        this.limit.release();
        return undefined as unknown as Job<Data, Result>;
      }
    }
    let job: Job<Data, Result> | undefined;
    try {
      job = await super.moveToActive(token, name);
    } catch (error) {
      this.limit.release();
      throw error;
    }
    if (job) this.unstarted++;
    else this.limit.release();
    return job;
  }

  override async processJob(job: Job<Data, Result>, token: string): Promise<void | Job<Data, Result>> {
    this.unstarted = Math.max(0, this.unstarted - 1);
    try {
      return await super.processJob(job, token, () => false);
    } finally {
      this.limit.release();
    }
  }
}
