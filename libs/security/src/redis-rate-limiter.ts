import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { RedisClusterNode } from '@app/config';
import { type RedisClient, closeRedisClient, createRedisClient, withTimeout } from '@app/queue';
import { type RateLimitDecision, type RateLimiter } from './rate-limiter';

// Fixed window per client, in one round trip: count, then (re)arm the expiry when the key is
// new or has somehow lost it, and return both. Atomic, so replicas cannot race each other.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

// A limiter check must cost the request almost nothing; beyond this, let the request through.
const COMMAND_TIMEOUT_MS = 250;
const CONNECT_WAIT_MS = 2000;
const WARN_EVERY_MS = 30_000;
const CLOSE_WAIT_MS = 2000;

export interface RedisRateLimiterOptions {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: when given, the counts live on a cluster (REDIS_URL then gives only credentials and TLS). */
  redisClusterNodes?: readonly RedisClusterNode[];
  /** QUEUE_PREFIX, so each deployment (and each test run) counts in its own keys. */
  keyPrefix: string;
  limit: number;
  windowMs: number;
}

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>;

/**
 * RATE_LIMIT_PER_MINUTE shared by every replica through Redis, on its own connection so a slow
 * queue cannot delay the check.
 *
 * Fails open: when Redis is down or slow the request proceeds uncounted. The limit protects
 * capacity; it is not what makes a webhook safe (the signature is) or durable (PostgreSQL is).
 * Paycheck keeps accepting webhooks while Redis is down, and failing closed would turn a
 * Redis outage into refused payments, which is worse than a minute without a limit.
 */
export class RedisRateLimiter implements RateLimiter, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: RedisClient;
  private readonly hitCommand: HitCommand;
  private lastWarning = 0;

  constructor(private readonly options: RedisRateLimiterOptions) {
    // One key per client and window: on a cluster it lives on whichever master owns its slot.
    this.redis = createRedisClient(
      { redisUrl: options.redisUrl, redisClusterNodes: options.redisClusterNodes ?? [] },
      {
        lazyConnect: true,
        enableOfflineQueue: false, // while disconnected, fail at once instead of queueing
        maxRetriesPerRequest: 0,
        commandTimeout: COMMAND_TIMEOUT_MS,
      },
    );
    this.redis.on('error', (error: Error) => this.warn(`Redis unavailable for rate limiting: ${error.message}`));
    this.redis.defineCommand('paycheckRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.hitCommand = (key, windowMs) =>
      (this.redis as unknown as Record<'paycheckRateLimitHit', HitCommand>).paycheckRateLimitHit(key, windowMs);
  }

  /** Connect before serving, so the first requests are counted; never block boot on Redis. */
  async onModuleInit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.redis.connect().catch(() => undefined), // keeps reconnecting in the background
      new Promise((resolve) => (timer = setTimeout(resolve, CONNECT_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedisClient(this.redis, CLOSE_WAIT_MS);
  }

  async hit(client: string): Promise<RateLimitDecision> {
    const { keyPrefix, limit, windowMs } = this.options;
    try {
      // commandTimeout bounds one attempt on one node; this bounds the whole check, a cluster's redirections and failover retries included.
      const [count, ttlMs] = await withTimeout(this.hitCommand(`${keyPrefix}:rate-limit:${client}`, windowMs), COMMAND_TIMEOUT_MS);
      if (count <= limit) return { allowed: true, remaining: limit - count };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    } catch (error) {
      this.warn(`Rate limit not enforced (failing open): ${(error as Error).message}`);
      return { allowed: true, remaining: limit };
    }
  }

  /** One line per interval: an outage must not flood the logs from every request. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }
}
