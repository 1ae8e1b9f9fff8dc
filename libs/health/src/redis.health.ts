import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { SettlementQueue, pingEveryMaster } from '@app/queue';

const PING_TIMEOUT_MS = 1000;

/**
 * PING over the queues' own connection (every shard's connection is checked by isConnected),
 * bounded so a hung Redis reads as down, not as slow. On a cluster every master is pinged, in
 * parallel and each bounded: a shard on an unreachable master stalls as surely as a Redis that is
 * down. The body then says how many answered (`nodes`).
 */
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
      const nodes = await pingEveryMaster(await this.queue.redisClient(), PING_TIMEOUT_MS);
      return nodes > 1 ? check.up({ nodes }) : check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
