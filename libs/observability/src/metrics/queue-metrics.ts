import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { QueueSampler, SAMPLED_STATES } from './queue-sampler';

/**
 * Gauges read from BullMQ when Prometheus scrapes, not on a timer. While Redis is unreachable
 * paycheck_queue_jobs has no series and the oldest-job age is NaN: no stale numbers.
 */
@Injectable()
export class QueueMetrics {
  constructor(registry: Registry, sampler: QueueSampler) {
    const jobs: Gauge<'state' | 'shard'> = new Gauge({
      name: 'paycheck_queue_jobs',
      help: 'Settlement jobs in BullMQ by state (waiting, active, delayed, failed) and shard (0..QUEUE_SHARDS-1; old-<queue> for an earlier layout)',
      labelNames: ['state', 'shard'],
      registers: [registry],
      collect: async () => {
        const sample = await sampler.sample();
        jobs.reset();
        if (!sample) return;
        for (const { shard, counts } of sample.shards) for (const state of SAMPLED_STATES) jobs.set({ state, shard }, counts[state]);
      },
    });
    const oldest: Gauge = new Gauge({
      name: 'paycheck_queue_oldest_waiting_seconds',
      help: 'Age of the oldest settlement job next in line in any shard (0 when none waits, NaN when Redis is unreachable)',
      registers: [registry],
      collect: async () => {
        const sample = await sampler.sample();
        oldest.set(sample ? sample.oldestWaitingSeconds : NaN);
      },
    });
  }
}
