import { type SettlementQueue } from '@app/queue';
import { QueueSampler, ageSeconds } from './queue-sampler';

function fakeQueue(connected: boolean, oldest: unknown = null) {
  const calls = { counts: 0, evals: 0 };
  const client = { eval: async () => (calls.evals++, oldest) };
  const queue = {
    getBackend: () => ({ client: Promise.resolve(client) }),
    getJobCounts: async () => (calls.counts++, { waiting: 3, active: 2, delayed: 1, failed: 0 }),
    toKey: (type: string) => `prefix:settlement:${type}`,
  };
  const knownQueues = () => [{ name: 'settlement', shard: '0', queue }];
  return { settlementQueue: { isConnected: () => connected, knownQueues } as unknown as SettlementQueue, calls };
}

describe('QueueSampler', () => {
  it('reads every state in one count call and the oldest job in one script call', async () => {
    const now = Date.now();
    const { settlementQueue, calls } = fakeQueue(true, [String(now - 30_000), null]);
    const sample = await new QueueSampler(settlementQueue).sample();
    expect(sample?.shards).toEqual([{ shard: '0', counts: { waiting: 3, active: 2, delayed: 1, failed: 0 } }]);
    expect(sample?.oldestWaitingSeconds).toBeGreaterThanOrEqual(30);
    expect(calls).toEqual({ counts: 1, evals: 1 });
  });

  it('shares one read between the gauges of a scrape', async () => {
    const { settlementQueue, calls } = fakeQueue(true);
    const sampler = new QueueSampler(settlementQueue);
    await Promise.all([sampler.sample(), sampler.sample(), sampler.sample()]);
    expect(calls).toEqual({ counts: 1, evals: 1 });
  });

  it('answers null at once, without calling Redis, while it is not connected', async () => {
    const { settlementQueue, calls } = fakeQueue(false);
    expect(await new QueueSampler(settlementQueue).sample()).toBeNull();
    expect(calls).toEqual({ counts: 0, evals: 0 });
  });
});

describe('ageSeconds', () => {
  const now = 1_000_000;

  it('is 0 when no job waits', () => {
    expect(ageSeconds(null, now)).toBe(0);
  });

  it('counts from creation for a job never started', () => {
    expect(ageSeconds([String(now - 12_000), null], now)).toBe(12);
  });

  it('counts from the start of the last attempt for a retried job', () => {
    expect(ageSeconds([String(now - 120_000), String(now - 4_000)], now)).toBe(4);
  });

  it('never goes negative when clocks disagree', () => {
    expect(ageSeconds([String(now + 5_000), null], now)).toBe(0);
  });
});
