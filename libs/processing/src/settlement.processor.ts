import { Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '@app/config';
import { SETTLEMENT_QUEUE, SettlementJobData } from '@app/queue';
import { SettlementService } from './settlement.service';

/**
 * Lock and stall settings (README "Guarantees"): a job's lock lives 30 s and is renewed every
 * 15 s while the process is alive. A SIGKILLed worker stops renewing, so within about
 * lockDuration + stalledInterval another worker takes the job back. maxStalledCount is high
 * because a stall is a crash, not a bad job; attempts are counted in PostgreSQL instead.
 */
export const WORKER_LOCK_DURATION_MS = 30_000;
export const WORKER_STALLED_INTERVAL_MS = 15_000;
export const WORKER_MAX_STALLED_COUNT = 10;

@Processor(SETTLEMENT_QUEUE, {
  autorun: false,
  lockDuration: WORKER_LOCK_DURATION_MS,
  stalledInterval: WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: WORKER_MAX_STALLED_COUNT,
})
export class SettlementProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly settlement: SettlementService,
  ) {
    super();
  }

  /** Concurrency is the worker's policy, read at start, so restarting with a new value applies it. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
    void this.worker.run();
  }

  async process(job: Job<SettlementJobData>, token?: string): Promise<string> {
    const outcome = await this.settlement.settle(job.data.transactionId);
    if (outcome.kind === 'retry') {
      // The backoff is computed here, by the worker, so the policy in force is the worker's.
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      throw new DelayedError();
    }
    return outcome.kind === 'skipped' ? `skipped: ${outcome.reason}` : outcome.kind;
  }
}
