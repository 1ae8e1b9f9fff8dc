import { Injectable } from '@nestjs/common';
import { type ConnectionOptions, type Job, Queue, type WorkerOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { AppConfig } from '@app/config';
import { ConcurrencyLimit } from './concurrency-limit';
import { LimitedWorker } from './limited-worker';
import { type RedisClient, bullConnection, closeRedisClient } from './redis-client';
import { SettlementJobData } from './settlement-job';

/** Job retention: enough history for the dashboard, bounded so Redis memory stays flat. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 1, // retries are the worker's policy (see SettlementProcessor), not the producer's
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * The one place that builds BullMQ queues and workers, so their Redis connections are made alike.
 * A single Redis: each queue and worker gets options and BullMQ opens (and closes) its own
 * connections, as before. A cluster (REDIS_CLUSTER_NODES): every queue shares one cluster
 * connection, made on first use and closed by close(); each worker duplicates it for its own
 * (BullMQ does so for a connection it is handed), so blocking reads never hold up the queues.
 */
@Injectable()
export class QueueConnections {
  private cluster?: Cluster;

  constructor(private readonly config: AppConfig) {}

  queue(name: string): Queue<SettlementJobData> {
    return new Queue<SettlementJobData>(name, {
      connection: this.connection(),
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
    return new LimitedWorker(name, processor, { ...options, connection: this.connection(), prefix: this.config.queuePrefix }, limit);
  }

  /** The shared cluster connection, when there is one (queues on a single Redis each have their own). */
  sharedClient(): RedisClient | undefined {
    return this.cluster;
  }

  /** Closes the shared cluster connection (after the queues that use it); true when QUIT made it within `ms`. */
  async close(ms: number): Promise<boolean> {
    const cluster = this.cluster;
    this.cluster = undefined;
    return cluster ? closeRedisClient(cluster, ms) : true;
  }

  private connection(): ConnectionOptions {
    if (this.config.redisClusterNodes.length === 0) return bullConnection(this.config);
    this.cluster ??= bullConnection(this.config) as Cluster;
    return this.cluster;
  }
}
