import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SettlementQueue, withTimeout } from '@app/queue';

const CHECK_TIMEOUT_MS = 1500;

/** Up while at least one worker process is connected to the settlement queue; reports the backlog. */
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
      const [workers, counts] = await withTimeout(
        Promise.all([this.queue.queue.getWorkersCount(), this.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed')]),
        CHECK_TIMEOUT_MS,
      );
      const details = {
        workers,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
      return workers > 0 ? check.up(details) : check.down({ ...details, message: 'no worker is consuming the queue' });
    } catch (error) {
      return check.down({ message: (error as Error).message, workers: 0 });
    }
  }
}
