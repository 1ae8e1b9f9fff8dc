import { Logger } from '@nestjs/common';
import { type LedgerService } from '@app/ledger';
import { Transaction, type TransactionsService } from '@app/transactions';
import { SettlementCommitBatcher } from './settlement-commit.batcher';
import { SettlementCommitter, commitSettlements } from './settlement-committer';

const SHORT = { firstDelayMs: 10, maxDelayMs: 40, deadlineMs: 300 };
const readOnly = () => Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), { code: '25006' });

function setup(completeProcessingBatch: jest.Mock) {
  const transactions = { completeProcessingBatch } as unknown as TransactionsService;
  const ledger = { post: jest.fn(async () => undefined) } as unknown as LedgerService;
  return new SettlementCommitter(new SettlementCommitBatcher(commitSettlements(transactions, ledger)), SHORT);
}

describe('SettlementCommitter', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('commits once PostgreSQL takes writes again', async () => {
    const row = Object.assign(new Transaction(), { id: '1', transactionId: 'txn_1', status: 'PROCESSED' });
    const complete = jest.fn().mockRejectedValueOnce(readOnly()).mockRejectedValueOnce(readOnly());
    complete.mockImplementationOnce(async (_ids: string[], alongside: (m: unknown, completed: unknown[]) => Promise<void>) => {
      const completed = [{ transaction: row, previousStatus: 'PROCESSING' }];
      await alongside({}, completed);
      return completed;
    });
    await expect(setup(complete).commit('txn_1')).resolves.toEqual({ kind: 'committed', transaction: row, previousStatus: 'PROCESSING' });
    expect(complete).toHaveBeenCalledTimes(3);
  });

  it('gives up at its deadline, backing off between tries, and says the commit is pending', async () => {
    const complete = jest.fn().mockRejectedValue(readOnly());
    const started = Date.now();
    await expect(setup(complete).commit('txn_1')).resolves.toEqual({
      kind: 'pending',
      error: 'cannot execute UPDATE in a read-only transaction',
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(5000);
    // 10, 20, 40, 40, … ms apart within 300 ms: a handful of tries, not a busy loop.
    expect(complete.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(complete.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('stops waiting at once when the worker stops', async () => {
    const complete = jest.fn().mockRejectedValue(readOnly());
    const stopping = new AbortController();
    stopping.abort();
    await expect(setup(complete).commit('txn_1', stopping.signal)).resolves.toMatchObject({ kind: 'pending' });
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('lets an error that is not an outage through', async () => {
    const complete = jest.fn().mockRejectedValue(Object.assign(new Error('duplicate key'), { code: '23505' }));
    await expect(setup(complete).commit('txn_1')).rejects.toThrow('duplicate key');
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('reports a transaction another delivery committed first', async () => {
    await expect(setup(jest.fn().mockResolvedValue([])).commit('txn_1')).resolves.toEqual({ kind: 'already-processed' });
  });
});
