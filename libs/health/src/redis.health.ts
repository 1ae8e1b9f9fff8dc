import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SettlementQueue, withTimeout } from '@app/queue';

const PING_TIMEOUT_MS = 1000;

/** PING over the first shard's own connection (every connection is checked by isConnected), bounded so a hung Redis reads as down, not as slow. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queue: SettlementQueue,
  ) {}

  async isHealthy(key = 'redis'): Promise<HealthIndicatorResult> {
    const check = this.health.check(key);
    if (!this.queue.isConnected()) return check.down({ message: 'not connected' });
    try {
      const client = await this.queue.queues[0].getBackend().client;
      // The raw ioredis client behind BullMQ's adapter.
      await withTimeout((client as unknown as { ping(): Promise<unknown> }).ping(), PING_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
