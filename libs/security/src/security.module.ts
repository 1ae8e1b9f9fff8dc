import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RATE_LIMITER, UnlimitedRateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';

const ONE_MINUTE_MS = 60_000;

/**
 * The rate limiter as a provider, so its Redis connection follows the application's lifecycle
 * and a team can override RATE_LIMITER. The worker serves no limited route: no connection there.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMITER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.rateLimitPerMinute > 0 && config.role !== 'worker'
          ? new RedisRateLimiter({
              redisUrl: config.redisUrl,
              redisClusterNodes: config.redisClusterNodes,
              keyPrefix: config.queuePrefix,
              limit: config.rateLimitPerMinute,
              windowMs: ONE_MINUTE_MS,
            })
          : new UnlimitedRateLimiter(),
    },
  ],
  exports: [RATE_LIMITER],
})
export class SecurityModule {}
