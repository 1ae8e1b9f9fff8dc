import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { withTryAdvisoryLock } from '@app/database';
import { SettlementQueue, settlementJobId } from '@app/queue';
import { Transaction, TransactionsService } from '@app/transactions';

const SWEEP_LOCK_KEY = 7_315_220_042;
/** Rows younger than this are still in the hands of intake's own enqueue. */
const IDLE_SECONDS = 5;
const BATCH = 500;
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);

/**
 * PostgreSQL is the source of truth; Redis may lose any job. Every RECONCILE_INTERVAL_MS this
 * re-enqueues PROCESSING transactions that have no live job: an enqueue that failed at intake,
 * keys lost in Redis, a job removed or given up after too many stalls. One replica sweeps at a
 * time (advisory lock); the guarded transition in the database stays the last line against
 * double posting.
 */
@Injectable()
export class RecoverySweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecoverySweep.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: TransactionsService,
    private readonly queue: SettlementQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: Error) => this.logger.warn(`Recovery sweep failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  /** Returns how many transactions were put back on the queue (undefined: another replica holds the sweep). */
  async sweep(): Promise<number | undefined> {
    if (!this.queue.isConnected()) return 0;
    return withTryAdvisoryLock(this.dataSource, SWEEP_LOCK_KEY, async () => {
      let requeued = 0;
      for (let afterId = '0'; ; ) {
        const batch = await this.transactions.findIdleProcessing(IDLE_SECONDS, afterId, BATCH);
        if (batch.length === 0) break;
        const results = await Promise.all(batch.map((transaction) => this.recover(transaction)));
        requeued += results.filter(Boolean).length;
        afterId = batch[batch.length - 1].id;
      }
      if (requeued > 0) this.logger.log({ msg: `Recovery sweep re-enqueued ${requeued} transactions`, requeued });
      return requeued;
    });
  }

  private async recover(transaction: Transaction): Promise<boolean> {
    const state = await this.queue.queue.getJobState(settlementJobId(transaction.transactionId, transaction.enqueueGeneration));
    if (LIVE_STATES.has(state)) return false;
    if (state === 'unknown') {
      // The job is gone: re-adding the same deterministic id cannot duplicate a live one.
      return this.queue.enqueue(transaction.transactionId, transaction.enqueueGeneration);
    }
    // completed or failed while the row is still PROCESSING: start a new generation.
    const bumped = await this.transactions.bumpEnqueueGeneration(transaction.transactionId, transaction.enqueueGeneration);
    return bumped ? this.queue.enqueue(bumped.transactionId, bumped.enqueueGeneration) : false;
  }
}
