import type { Queue } from 'bullmq';
import { ENQUEUE_SUSPENSION_MS, ENQUEUE_TIMEOUT_MS, SettlementQueue } from './settlement-queue';

/** A queue whose Redis looks connected: `answers` decides whether add() ever settles (a frozen Redis never does). */
function queueOver(answers: () => boolean) {
  const client = { status: 'ready', on: () => undefined };
  const adds: string[] = [];
  const queue = {
    on: () => undefined,
    getBackend: () => ({ client: Promise.resolve(client) }),
    add: (_name: string, data: { transactionId: string }) => {
      adds.push(data.transactionId);
      return answers() ? Promise.resolve({}) : new Promise(() => undefined);
    },
  } as unknown as Queue;
  return { settlementQueue: new SettlementQueue(queue), adds };
}

describe('SettlementQueue.enqueue against a Redis that stops answering', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function connected(answers: () => boolean) {
    const built = queueOver(answers);
    built.settlementQueue.onModuleInit();
    await jest.advanceTimersByTimeAsync(0); // the client promise resolves
    expect(built.settlementQueue.isConnected()).toBe(true);
    return built;
  }

  it('gives up after ENQUEUE_TIMEOUT_MS, then leaves work to the sweep without waiting until the suspension ends', async () => {
    let answering = false;
    const { settlementQueue, adds } = await connected(() => answering);

    const first = settlementQueue.enqueue('txn_1', 0);
    await jest.advanceTimersByTimeAsync(ENQUEUE_TIMEOUT_MS);
    await expect(first).resolves.toBe(false);

    // Suspended: answered at once, Redis not even tried.
    await expect(settlementQueue.enqueue('txn_2', 0)).resolves.toBe(false);
    expect(adds).toEqual(['txn_1']);

    answering = true;
    await jest.advanceTimersByTimeAsync(ENQUEUE_SUSPENSION_MS);
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
