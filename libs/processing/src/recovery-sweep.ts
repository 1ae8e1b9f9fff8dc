import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { withTryAdvisoryLock } from '@app/database';
import { PaycheckMetrics } from '@app/observability';
import { SettlementQueue } from '@app/queue';
import { Transaction, TransactionsService } from '@app/transactions';

const SWEEP_LOCK_KEY = 7_315_220_042;
/** Rows younger than this are still in the hands of intake's own enqueue. */
export const SWEEP_IDLE_SECONDS = 5;
const BATCH = 500;
/** How long a shutdown waits for a sweep in progress. */
const SHUTDOWN_PATIENCE_MS = 5000;

/**
 * PostgreSQL is the source of truth; Redis may lose any job. This re-enqueues PROCESSING
 * transactions that have no live job in any shard of any layout in use: an enqueue that failed
 * at intake, keys lost in Redis, a job removed or failed for stalling too often, a job in a
 * queue no worker consumes. It runs every RECONCILE_INTERVAL_MS and each
 * time the Redis connection becomes ready (at boot, after an outage), when jobs are most
 * likely to be missing.
 *
 * Every step is idempotent, so several workers may sweep at once: a re-enqueue reuses the
 * deterministic job id (a no-op while that job exists) and a new generation is taken with a
 * compare-and-set. The advisory lock only spares the duplicate work. A job re-enqueued while
 * its old delivery is still in flight somewhere runs twice at worst; the guarded transition
 * in the database lets exactly one of them post.
 */
@Injectable()
export class RecoverySweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecoverySweep.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionsService,
    private readonly queue: SettlementQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
    // Optional so unit tests can build this without the metrics registry.
    @Optional() private readonly metrics?: PaycheckMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
    this.queue.onReady(() => this.tick());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // Every step is idempotent: a pass cut short (Redis or PostgreSQL hanging) is finished by the next one, anywhere.
    await Promise.race([this.running, sleep(SHUTDOWN_PATIENCE_MS, undefined, { ref: false })]);
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.sweep()
      .catch((error: Error) => this.logger.warn(`Recovery sweep failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  /** Returns how many transactions were put back on the queue (undefined: another replica holds the sweep). */
  async sweep(): Promise<number | undefined> {
    if (!this.queue.isConnected()) return 0;
    return withTryAdvisoryLock(this.dataSource, SWEEP_LOCK_KEY, async () => {
      // Which shard layouts are in use: a job queued before QUEUE_SHARDS changed is looked for where its layout put it.
      await this.queue.refreshLayouts();
      let requeued = 0;
      for (let afterId = '0'; !this.stopped;) {
        const batch = await this.transactions.findIdleProcessing(SWEEP_IDLE_SECONDS, afterId, BATCH);
        if (batch.length === 0) break;
        const results = await Promise.all(batch.map((transaction) => this.recover(transaction)));
        requeued += results.filter(Boolean).length;
        afterId = batch[batch.length - 1].id;
      }
      if (requeued > 0) this.logger.log({ msg: `Recovery sweep re-enqueued ${requeued} transactions`, requeued });
      this.metrics?.reconciled(requeued);
      return requeued;
    });
  }

  private async recover(transaction: Transaction): Promise<boolean> {
    const { transactionId, enqueueGeneration } = transaction;
    const status = await this.queue.jobStatus(transactionId, enqueueGeneration);
    if (status === 'live') return false;
    if (status === 'missing') {
      this.logger.debug({ msg: `Re-enqueueing ${transactionId}: its job is missing from Redis`, transaction_id: transactionId });
      return this.queue.enqueue(transactionId, enqueueGeneration);
    }
    // The job finished (failed, or settled elsewhere) while the row is still PROCESSING: a new
    // generation gives it a fresh job id, unless someone else took one first.
    const bumped = await this.transactions.bumpEnqueueGeneration(transactionId, enqueueGeneration);
    if (!bumped) return false;
    this.logger.debug({ msg: `Re-enqueueing ${transactionId}: its job finished without settling it`, transaction_id: transactionId });
    return this.queue.enqueue(bumped.transactionId, bumped.enqueueGeneration);
  }
}
