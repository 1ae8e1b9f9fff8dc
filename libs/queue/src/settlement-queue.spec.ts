import type { Queue } from 'bullmq';
import type { AppConfig } from '@app/config';
import type { QueueConnections } from './queue-connections';
import { ENQUEUE_TIMEOUT_MS, SettlementQueue } from './settlement-queue';

/** A queue whose Redis looks connected: `answers` decides whether add() answers at once; unanswered adds answer on thaw(). */
function queueOver(answers: () => boolean) {
  const client = { status: 'ready', on: () => undefined, sadd: async () => 1, smembers: async () => ['1'] };
  const adds: string[] = [];
  const waiting: Array<() => void> = [];
  const queue = {
    on: () => undefined,
    close: async () => undefined,
    disconnect: () => undefined,
    getBackend: () => ({ client: Promise.resolve(client) }),
    add: (_name: string, data: { transactionId: string }) => {
      adds.push(data.transactionId);
      return answers() ? Promise.resolve({}) : new Promise<void>((resolve) => waiting.push(resolve));
    },
  } as unknown as Queue;
  const thaw = () => waiting.splice(0).forEach((answer) => answer());
  const config = { queueShards: 1, queuePrefix: 'paycheck' } as AppConfig;
  const settlementQueue = new SettlementQueue(config, { queue: () => queue } as unknown as QueueConnections);
  return { settlementQueue, adds, thaw };
}

describe('SettlementQueue.enqueue against a Redis that stops answering', () => {
  let opened: SettlementQueue[] = [];
  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await Promise.all(opened.map((queue) => queue.onApplicationShutdown().catch(() => undefined)));
    opened = [];
    jest.useRealTimers();
  });

  async function connected(answers: () => boolean) {
    const built = queueOver(answers);
    opened.push(built.settlementQueue);
    built.settlementQueue.onModuleInit();
    await jest.advanceTimersByTimeAsync(0); // the client promise resolves
    expect(built.settlementQueue.isConnected()).toBe(true);
    return built;
  }

  it('gives up after ENQUEUE_TIMEOUT_MS, then leaves work to the sweep without waiting until that add answers', async () => {
    let answering = false;
    const { settlementQueue, adds, thaw } = await connected(() => answering);

    const first = settlementQueue.enqueue('txn_1', 0);
    await jest.advanceTimersByTimeAsync(ENQUEUE_TIMEOUT_MS);
    await expect(first).resolves.toBe(false);

    // Suspended while txn_1's add is unanswered, however long: answered at once, Redis not tried.
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(settlementQueue.enqueue('txn_2', 0)).resolves.toBe(false);
    expect(adds).toEqual(['txn_1']);

    // Redis answers the stalled add: enqueueing resumes at once.
    answering = true;
    thaw();
    await jest.advanceTimersByTimeAsync(0);
    await expect(settlementQueue.enqueue('txn_3', 0)).resolves.toBe(true);
    expect(adds).toEqual(['txn_1', 'txn_3']);
  });

  it('keeps enqueueing while Redis answers', async () => {
    const { settlementQueue, adds } = await connected(() => true);
    await expect(settlementQueue.enqueue('txn_1', 0)).resolves.toBe(true);
    await expect(settlementQueue.enqueue('txn_2', 0)).resolves.toBe(true);
    expect(adds).toEqual(['txn_1', 'txn_2']);
  });
});
