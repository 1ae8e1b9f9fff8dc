'use strict';
// What the capacity scenario watches in a worker holding many calls: its locks in Redis (TTLs and
// renewals seen as TTL refreshes), its event-loop delay (prom-client's default metrics on the
// worker's own /metrics) and what the held jobs cost Redis in memory.
const { SETTLEMENT_QUEUE } = require('./queue-contract');

/** A refresh is a TTL that went up between two samples by more than sampling jitter. */
const REFRESH_MIN_MS = 500;

/**
 * Samples the lock of every active job (LRANGE active + one PTTL each, pipelined) and counts a
 * renewal each time a job's TTL went up since the previous sample. Exact as long as the sampling
 * interval is shorter than the renewal period (two renewals between samples would count as one).
 */
class LockWatch {
  constructor(redis, prefix) {
    this.redis = redis;
    this.prefix = prefix;
    this.previous = new Map();
    this.renewals = 0;
  }

  async sample() {
    const base = `${this.prefix}:${SETTLEMENT_QUEUE}`;
    const active = await this.redis.lrange(`${base}:active`, 0, -1);
    const pipeline = this.redis.pipeline();
    for (const jobId of active) pipeline.pttl(`${base}:${jobId}:lock`);
    const replies = active.length ? await pipeline.exec() : [];
    let min = Infinity;
    let max = 0;
    let missing = 0;
    let renewed = 0;
    const current = new Map();
    replies.forEach(([, ttl], i) => {
      if (!(ttl > 0)) {
        missing++;
        return;
      }
      min = Math.min(min, ttl);
      max = Math.max(max, ttl);
      const before = this.previous.get(active[i]);
      if (before !== undefined && ttl > before + REFRESH_MIN_MS) renewed++;
      current.set(active[i], ttl);
    });
    this.previous = current;
    this.renewals += renewed;
    return { jobs: active.length, min: Number.isFinite(min) ? min : 0, max, missing, renewed };
  }
}

/** Event-loop delay since the previous scrape, in ms (prom-client resets its histogram at each collect). */
async function eventLoopDelay(workerUrl, timeoutMs = 5000) {
  const res = await fetch(`${workerUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const read = (name) => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) * 1000 : NaN;
  };
  return { p50: read('p50'), p99: read('p99'), max: read('max'), mean: read('mean') };
}

/** Redis used_memory in bytes (server-wide: other users of the same Redis show up in it). */
async function redisUsedMemory(redis) {
  const text = await redis.info('memory');
  return Number((/^used_memory:(\d+)/m.exec(text) || [])[1] || 0);
}

/**
 * Bytes a sample of active jobs takes in Redis, by key (MEMORY USAGE with every field sampled):
 * the job hash and its lock; the job's entry in the active list is a few tens of bytes more.
 * Unlike used_memory, unaffected by anyone else using the same Redis.
 */
async function sampledJobBytes(redis, prefix, sampleSize = 200) {
  const base = `${prefix}:${SETTLEMENT_QUEUE}`;
  const ids = await redis.lrange(`${base}:active`, 0, sampleSize - 1);
  if (ids.length === 0) return { hash: 0, lock: 0, jobs: 0 };
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.memory('USAGE', `${base}:${id}`, 'SAMPLES', '0').memory('USAGE', `${base}:${id}:lock`, 'SAMPLES', '0');
  const replies = (await pipeline.exec()).map(([, bytes]) => Number(bytes) || 0);
  const sum = (parity) => replies.filter((_, i) => i % 2 === parity).reduce((a, b) => a + b, 0);
  return { hash: sum(0) / ids.length, lock: sum(1) / ids.length, jobs: ids.length };
}

async function pingMs(redis) {
  const started = process.hrtime.bigint();
  await redis.ping();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

module.exports = { LockWatch, eventLoopDelay, redisUsedMemory, sampledJobBytes, pingMs };
