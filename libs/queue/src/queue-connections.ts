import { Injectable } from '@nestjs/common';
import { type Job, Queue, type WorkerOptions } from 'bullmq';
import { AppConfig } from '@app/config';
import { ConcurrencyLimit } from './concurrency-limit';
import { LimitedWorker } from './limited-worker';
import { redisConnectionOptions } from './redis-connection-options';
import { SettlementJobData } from './settlement-job';

/** Job retention: enough history for the dashboard, bounded so Redis memory stays flat. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 1, // retries are the worker's policy (see SettlementProcessor), not the producer's
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/** The one place that builds BullMQ queues and workers, so their Redis connections are made alike. */
@Injectable()
export class QueueConnections {
  constructor(private readonly config: AppConfig) {}

  queue(name: string): Queue<SettlementJobData> {
    return new Queue<SettlementJobData>(name, {
      connection: redisConnectionOptions(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
  }

  /** A worker (not yet running) whose jobs count against `limit`. */
  worker<Result>(
    name: string,
    processor: (job: Job<SettlementJobData, Result>, token?: string) => Promise<Result>,
    options: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency' | 'autorun'>,
    limit: ConcurrencyLimit,
  ): LimitedWorker<SettlementJobData, Result> {
    return new LimitedWorker(
      name,
      processor,
      { ...options, connection: redisConnectionOptions(this.config.redisUrl), prefix: this.config.queuePrefix },
      limit,
    );
  }
}
