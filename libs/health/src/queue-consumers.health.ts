import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SettlementQueue, withTimeout } from '@app/queue';

const CHECK_TIMEOUT_MS = 1500;

/**
 * Up while every shard of the settlement queue has at least one worker connected; reports the
 * workers (those consuming every shard: each worker process consumes them all) and the backlog
 * summed over every queue in use, older layouts' included.
 */
@Injectable()
export class QueueConsumersHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queue: SettlementQueue,
  ) {}

  async isHealthy(key = 'queue'): Promise<HealthIndicatorResult> {
    const check = this.health.check(key);
    if (!this.queue.isConnected()) return check.down({ message: 'redis not connected', workers: 0 });
    try {
      const known = this.queue.knownQueues();
      const [workersPerShard, counts] = await withTimeout(
        Promise.all([
          Promise.all(this.queue.queues.map((queue) => queue.getWorkersCount())),
          Promise.all(known.map(({ queue }) => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'))),
        ]),
        CHECK_TIMEOUT_MS,
      );
      const total = (state: string) => counts.reduce((sum, count) => sum + (count[state] ?? 0), 0);
      const workers = Math.min(...workersPerShard);
      const details = {
        workers,
        shards: this.queue.shards,
        waiting: total('waiting'),
        active: total('active'),
        delayed: total('delayed'),
        failed: total('failed'),
      };
      if (workers > 0) return check.up(details);
      const idle = workersPerShard.flatMap((count, shard) => (count === 0 ? [shard] : []));
      const message =
        idle.length === workersPerShard.length ? 'no worker is consuming the queue' : `no worker is consuming shards ${idle.join(', ')}`;
      return check.down({ ...details, message });
    } catch (error) {
      return check.down({ message: (error as Error).message, workers: 0 });
    }
  }
}
