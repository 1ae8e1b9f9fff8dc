import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '@app/config';
import { PaycheckMetrics, ProcessingResult } from '@app/observability';
import {
  ConcurrencyLimit,
  LimitedWorker,
  QUEUE_CLOSE_TIMEOUT_MS,
  QueueConnections,
  RepeatedErrorLog,
  SettlementJobData,
  SettlementQueue,
  ShardQueue,
  closeWithin,
} from '@app/queue';
import { JobsInHand } from './jobs-in-hand';
import { SHUTDOWN_COMMIT_MARGIN_MS, SHUTDOWN_REPORT_PATIENCE_MS } from './shutdown-budget';
import { SettlementOutcome, SettlementService } from './settlement.service';

/**
 * Lock and stall settings (docs/guarantees.md). A job's lock lives 30 s and is renewed while the
 * process is alive (BullMQ looks every 7.5 s, a quarter of the lock, and renews what it last
 * renewed 7.5 s or more ago: about 8 renewals a minute per job, measured), so only a dead or
 * frozen process loses it. Another worker's stalled check (every 15 s, at most one per queue across all workers; a job must be seen
 * twice, once to mark it and once without its lock) hands the job of a SIGKILLed worker back
 * after its lock expires: 30–60 s (33–48 s measured by test/faults/worker-sigkill). Shorter values
 * would hand jobs back sooner but risk taking them from a live worker whose event loop is
 * briefly starved; that is harmless (the database guard), but costs a second external call.
 * maxStalledCount is high because a stall is a crash, not a bad job; attempts are counted
 * in PostgreSQL instead, and a job failed for stalling is re-enqueued by the recovery sweep.
 */
export const WORKER_LOCK_DURATION_MS = 30_000;
export const WORKER_STALLED_INTERVAL_MS = 15_000;
export const WORKER_MAX_STALLED_COUNT = 10;

/**
 * Job data as this worker may leave it: `callSucceeded` is set when a delivery's call succeeded
 * but its commit could not be made, so the next delivery, on any worker, commits without
 * calling the provider again.
 */
type SettlementJobState = SettlementJobData & { callSucceeded?: boolean };

/**
 * The consumer: one BullMQ worker per settlement queue (every shard, and the shards of earlier
 * layouts while any process uses them), all drawing on one ConcurrencyLimit of
 * WORKER_CONCURRENCY permits, so that bound holds for the process across every shard
 * (docs/decisions/2026-12-queue-shards.md).
 */
@Injectable()
export class SettlementProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SettlementProcessor.name);
  private readonly errors = new RepeatedErrorLog(this.logger, 'Settlement worker');
  private readonly inHand = new JobsInHand();
  /** Aborted at the call deadline after SIGTERM: commit retries stop and hand their job back. */
  private readonly stopping = new AbortController();
  /** Ids of jobs whose call succeeded in this process and whose commit is still to be made. */
  private readonly callSucceeded = new Set<string>();
  /** Queue name → its worker. */
  private readonly workers = new Map<string, LimitedWorker<SettlementJobState, string>>();
  private limit?: ConcurrencyLimit;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly settlement: SettlementService,
    private readonly queue: SettlementQueue,
    private readonly connections: QueueConnections,
    // Optional so unit tests can build this without the metrics registry.
    @Optional() private readonly metrics?: PaycheckMetrics,
  ) {}

  /** Concurrency is the worker's policy, read at start, so restarting with a new value applies it. */
  onApplicationBootstrap(): void {
    this.limit = new ConcurrencyLimit(this.config.workerConcurrency);
    this.consume(this.queue.knownQueues());
    this.queue.onLayoutsChanged((queues) => this.consume(queues));
  }

  /** The permits shared by every shard's worker (undefined before bootstrap). */
  get concurrencyLimit(): ConcurrencyLimit | undefined {
    return this.limit;
  }

  /** The worker consuming one queue (by its name), if any. */
  workerOf(queueName: string): LimitedWorker<SettlementJobState, string> | undefined {
    return this.workers.get(queueName);
  }

  /** Starts a worker on each queue that has none yet. */
  private consume(queues: ShardQueue[]): void {
    if (this.closing || !this.limit) return;
    for (const { name } of queues) {
      if (this.workers.has(name)) continue;
      const worker = this.connections.worker<string>(
        name,
        (job, token) => this.process(job, token),
        { lockDuration: WORKER_LOCK_DURATION_MS, stalledInterval: WORKER_STALLED_INTERVAL_MS, maxStalledCount: WORKER_MAX_STALLED_COUNT },
        this.limit,
      );
      // Redis outages, lost locks ("could not renew lock", "Missing lock for job") surface here;
      // none of them loses work (the sweep and the database guard cover them), so they are
      // logged. Attached before the worker first connects: errors emitted earlier would reach
      // BullMQ's fallback console.error as multi-line stderr.
      worker.on('error', (error: Error) => this.errors.warn(error));
      worker.on('completed', (job: Job) => this.inHand.reported(job.token));
      worker.on('failed', (job: Job | undefined) => this.inHand.reported(job?.token));
      this.workers.set(name, worker);
      worker.run().catch((error: Error) => this.logger.error(`Settlement worker of ${name} stopped: ${error.message}`));
    }
  }

  /**
   * Stop fetching and let the jobs in hand finish before anything else shuts down: Nest closes
   * the database in onApplicationShutdown, and a job needs it to commit. Every call in hand ends
   * by SETTLEMENT_TIMEOUT_MS, its commit gets a margin after that, then Redis gets a few seconds
   * to record the ends: the wait is bounded (see shutdown-budget.ts). BullMQ's graceful close()
   * is not used: it waits for Redis, and an unreachable one never answers (ioredis never ends a
   * reconnecting client); each worker's connections get QUEUE_CLOSE_TIMEOUT_MS to QUIT, then are
   * dropped. A job whose end Redis did not record comes back through stall detection.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const callDeadline = Date.now() + this.config.settlementTimeoutMs;
    const workers = [...this.workers.values()];
    this.logger.log(`Closing the settlement workers of ${workers.length} queues: finishing ${this.inHand.size} jobs in hand`);
    await Promise.all(workers.map((worker) => worker.pause(true))); // stops fetching at once; the jobs in hand go on
    this.limit?.close(); // fetches waiting for a permit give up
    const stop = setTimeout(() => this.stopping.abort(), Math.max(0, callDeadline - Date.now()));
    const left = await this.inHand.drain(
      callDeadline + SHUTDOWN_COMMIT_MARGIN_MS,
      this.queue.isConnected() ? SHUTDOWN_REPORT_PATIENCE_MS : 0,
    );
    clearTimeout(stop);
    if (left.abandoned + left.unreported > 0) {
      this.logger.warn({
        msg: `Settlement worker closing with ${left.abandoned} jobs unfinished and ${left.unreported} unreported; stall detection hands them back`,
        ...left,
      });
    }
    await Promise.all(
      workers.map((worker) =>
        closeWithin({ close: () => worker.close(true), disconnect: () => worker.disconnect() }, QUEUE_CLOSE_TIMEOUT_MS),
      ),
    );
  }

  async process(job: Job<SettlementJobState>, token?: string): Promise<string> {
    const started = performance.now();
    const jobId = job.id ?? '';
    const options = {
      callSucceeded: job.data.callSucceeded === true || this.callSucceeded.has(jobId),
      stopping: this.stopping.signal,
      onLateAnswer: (late: SettlementOutcome) => this.observe(late, (performance.now() - started) / 1000, job.data.transactionId),
    };
    const outcome = await this.inHand.track(token, this.settlement.settle(job.data.transactionId, job.data.generation, options));
    this.observe(outcome, (performance.now() - started) / 1000, job.data.transactionId);
    if (outcome.kind === 'retry' || outcome.kind === 'deferred') {
      if (outcome.kind === 'deferred' && outcome.callSucceeded) await this.rememberCallSucceeded(job);
      // The delay is computed here, by the worker, so the policy in force is the worker's.
      // If the lock was lost meanwhile this throws, and the delivery that holds the job now
      // (or the recovery sweep) carries on.
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      this.inHand.reported(token);
      throw new DelayedError();
    }
    this.callSucceeded.delete(jobId);
    return outcome.kind === 'skipped' ? `skipped: ${outcome.reason}` : outcome.kind;
  }

  /** In this process, and in the job itself so that any worker's next delivery sees it. */
  private async rememberCallSucceeded(job: Job<SettlementJobState>): Promise<void> {
    this.callSucceeded.add(job.id ?? '');
    if (job.data.callSucceeded) return;
    await job.updateData({ ...job.data, callSucceeded: true }).catch((error: Error) =>
      this.logger.warn({
        msg: `Could not mark job ${job.id} as settled in Redis: ${error.message}`,
        transaction_id: job.data.transactionId,
      }),
    );
  }

  /** Attempts that reached the external call are counted and timed; deferred and skipped ones are not. */
  private observe(outcome: SettlementOutcome, seconds: number, transactionId: string): void {
    const result = PROCESSING_RESULT_OF[outcome.kind];
    if (result) this.metrics?.transactionProcessed(result, seconds);
    if (outcome.kind === 'processed' && outcome.lateSuccess) this.metrics?.settlementLateSuccess();
    if (outcome.kind === 'skipped') {
      this.logger.log({
        msg: `Transaction ${transactionId} skipped: ${outcome.reason}`,
        transaction_id: transactionId,
        outcome: 'skipped',
        reason: outcome.reason,
      });
    }
  }
}

const PROCESSING_RESULT_OF: Partial<Record<SettlementOutcome['kind'], ProcessingResult>> = {
  processed: 'processed',
  failed: 'failed',
  retry: 'retried',
};
