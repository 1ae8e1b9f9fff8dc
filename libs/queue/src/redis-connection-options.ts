import type { RedisOptions } from 'bullmq';

/** ioredis options from a redis:// or rediss:// (TLS, as Upstash requires) URL. */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? { servername: url.hostname } : undefined,
    // Reconnect quickly and forever: Redis coming back must be noticed within seconds.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    connectTimeout: 5000,
  };
}
