import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { SettlementQueue, withTimeout } from '@app/queue';

export const SAMPLED_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type SampledState = (typeof SAMPLED_STATES)[number];

export interface ShardSample {
  /** The shard label: "0".."N-1", or "old-<queue name>" for a queue only an earlier layout used. */
  shard: string;
  counts: Record<SampledState, number>;
}

export interface QueueSample {
  shards: ShardSample[];
  /** Seconds since the job next in line (in any shard) became runnable; 0 when nothing waits. */
  oldestWaitingSeconds: number;
}

/** A sample is shared by every gauge of one scrape (and by scrapes less than this apart). */
const SAMPLE_TTL_MS = 1000;
const SAMPLE_TIMEOUT_MS = 1000;

/**
 * The job next in line is the tail of BullMQ's wait list (LPUSH in, RPOPLPUSH out). BullMQ
 * records when a job was created and when its last attempt started, not when a retry's
 * backoff ended, so for a retried job the age counts from its last attempt: an upper bound.
 */
const OLDEST_WAITING_SCRIPT = `
local id = redis.call('LINDEX', KEYS[1], -1)
if not id then return false end
return redis.call('HMGET', ARGV[1] .. id, 'timestamp', 'processedOn')`;

interface ScriptClient {
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}

/**
 * Queue depth for the gauges in two Redis calls per settlement queue, sent together (BullMQ's
 * one-script count of all four states, and one small script for the oldest waiting job), never
 * one per state. Answers null when Redis is not reachable: the gauges then drop their series
 * rather than report stale numbers, and the scrape still answers at once.
 */
@Injectable()
export class QueueSampler {
  private last?: { at: number; sample: Promise<QueueSample | null> };

  constructor(private readonly settlementQueue: SettlementQueue) {}

  sample(): Promise<QueueSample | null> {
    const now = Date.now();
    if (!this.last || now - this.last.at >= SAMPLE_TTL_MS) this.last = { at: now, sample: this.read() };
    return this.last.sample;
  }

  private async read(): Promise<QueueSample | null> {
    if (!this.settlementQueue.isConnected()) return null;
    try {
      const known = this.settlementQueue.knownQueues();
      const read = await withTimeout(Promise.all(known.map(({ queue }) => readQueue(queue))), SAMPLE_TIMEOUT_MS);
      const now = Date.now();
      return {
        shards: known.map(({ shard }, i) => ({ shard, counts: read[i].counts })),
        oldestWaitingSeconds: Math.max(0, ...read.map(({ oldest }) => ageSeconds(oldest, now))),
      };
    } catch {
      return null;
    }
  }
}

async function readQueue(queue: Queue): Promise<{ counts: Record<SampledState, number>; oldest: unknown }> {
  const client = (await queue.getBackend().client) as unknown as ScriptClient; // the ioredis client behind BullMQ
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts(...SAMPLED_STATES),
    client.eval(OLDEST_WAITING_SCRIPT, 1, queue.toKey('wait'), queue.toKey('')),
  ]);
  return {
    counts: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 },
    oldest,
  };
}

/** [timestamp, processedOn] of the next job, as Redis returns them (strings or nulls). */
export function ageSeconds(fields: unknown, now: number): number {
  if (!Array.isArray(fields)) return 0;
  const since = Math.max(...fields.map((value) => Number(value ?? 0)).filter((value) => Number.isFinite(value)), 0);
  return since > 0 ? Math.max(0, (now - since) / 1000) : 0;
}
