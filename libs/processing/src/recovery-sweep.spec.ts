import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { type SettlementJobStatus, type SettlementQueue } from '@app/queue';
import { Transaction, type TransactionsService } from '@app/transactions';
import { RecoverySweep } from './recovery-sweep';

function row(transactionId: string, id: string, enqueueGeneration = 0): Transaction {
  return Object.assign(new Transaction(), { id, transactionId, status: 'PROCESSING', enqueueGeneration });
}

/** A DataSource whose advisory lock is free (or held elsewhere when `lockHeld`). */
function dataSource(lockHeld = false): DataSource {
  const runner = {
    connect: async () => undefined,
    release: async () => undefined,
    query: async (sql: string) => (sql.includes('pg_try_advisory_lock') ? [{ locked: !lockHeld }] : []),
  };
  return { createQueryRunner: () => runner } as unknown as DataSource;
}

function setup(
  rows: Transaction[],
  statuses: Record<string, SettlementJobStatus>,
  options: { connected?: boolean; lockHeld?: boolean; bumpWins?: boolean } = {},
) {
  const transactions = {
    findIdleProcessing: jest.fn(async (_idle: number, afterId: string, limit: number) =>
      rows.filter((r) => Number(r.id) > Number(afterId)).slice(0, limit),
    ),
    bumpEnqueueGeneration: jest.fn(async (transactionId: string, generation: number) =>
      options.bumpWins === false ? null : row(transactionId, '0', generation + 1),
    ),
  };
  const queue = {
    isConnected: () => options.connected ?? true,
    jobStatus: jest.fn(async (transactionId: string) => statuses[transactionId]),
    refreshLayouts: jest.fn(async () => []),
    enqueue: jest.fn(async () => true),
    onReady: jest.fn(),
  };
  const sweep = new RecoverySweep(
    loadConfig({}),
    transactions as unknown as TransactionsService,
    queue as unknown as SettlementQueue,
    dataSource(options.lockHeld),
  );
  return { sweep, transactions, queue };
}

describe('RecoverySweep', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('leaves a transaction alone while its job is waiting, delayed or active', async () => {
    const { sweep, queue, transactions } = setup([row('t1', '1')], { t1: 'live' });
    await expect(sweep.sweep()).resolves.toBe(0);
    expect(queue.enqueue).not.toHaveBeenCalled();
    expect(transactions.bumpEnqueueGeneration).not.toHaveBeenCalled();
  });

  it('re-adds a missing job under the same id, which cannot duplicate a live one', async () => {
    const { sweep, queue } = setup([row('t1', '1', 3)], { t1: 'missing' });
    await expect(sweep.sweep()).resolves.toBe(1);
    expect(queue.enqueue).toHaveBeenCalledWith('t1', 3);
  });

  it('takes a new generation for a transaction whose job finished without settling it', async () => {
    const { sweep, queue, transactions } = setup([row('t1', '1', 3)], { t1: 'finished' });
    await expect(sweep.sweep()).resolves.toBe(1);
    expect(transactions.bumpEnqueueGeneration).toHaveBeenCalledWith('t1', 3);
    expect(queue.enqueue).toHaveBeenCalledWith('t1', 4);
  });

  it('enqueues nothing when another sweep took the new generation first', async () => {
    const { sweep, queue } = setup([row('t1', '1')], { t1: 'finished' }, { bumpWins: false });
    await expect(sweep.sweep()).resolves.toBe(0);
    expect(queue.enqueue).not.toHaveBeenCalled();
  });

  it('walks every batch of idle transactions', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => row(`t${i}`, String(i + 1)));
    const statuses = Object.fromEntries(rows.map((r) => [r.transactionId, 'missing' as const]));
    const { sweep, transactions } = setup(rows, statuses);
    await expect(sweep.sweep()).resolves.toBe(1200);
    expect(transactions.findIdleProcessing).toHaveBeenCalledTimes(4);
  });

  it('does nothing while Redis is unreachable', async () => {
    const { sweep, transactions } = setup([row('t1', '1')], { t1: 'missing' }, { connected: false });
    await expect(sweep.sweep()).resolves.toBe(0);
    expect(transactions.findIdleProcessing).not.toHaveBeenCalled();
  });

  it('stands aside while another replica holds the sweep', async () => {
    const { sweep, transactions } = setup([row('t1', '1')], { t1: 'missing' }, { lockHeld: true });
    await expect(sweep.sweep()).resolves.toBeUndefined();
    expect(transactions.findIdleProcessing).not.toHaveBeenCalled();
  });

  it('sweeps as soon as Redis is ready, without waiting for the first interval', async () => {
    const { sweep, queue } = setup([row('t1', '1')], { t1: 'missing' });
    queue.onReady.mockImplementation((listener: () => void) => listener());
    sweep.onApplicationBootstrap(); // the interval is 60 s by default
    for (let i = 0; i < 50 && queue.enqueue.mock.calls.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    await sweep.beforeApplicationShutdown();
    expect(queue.enqueue).toHaveBeenCalledWith('t1', 0);
  });
});
