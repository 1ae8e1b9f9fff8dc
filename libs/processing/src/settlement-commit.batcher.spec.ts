import { type CompletedTransaction, Transaction } from '@app/transactions';
import { type CommitMany, SettlementCommitBatcher } from './settlement-commit.batcher';

const BOUNDS = { maxBatch: 3, waitMs: 50, maxInFlight: 2 };

function completed(transactionId: string): CompletedTransaction {
  return { transaction: Object.assign(new Transaction(), { id: transactionId.slice(4), transactionId }), previousStatus: 'PROCESSING' };
}

/** A commit the test finishes by hand, to see what waits for it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Every batch the batcher sends, answered by hand. */
function manualCommits() {
  const calls: Array<{ ids: string[]; done: ReturnType<typeof deferred<CompletedTransaction[]>> }> = [];
  const commitMany: jest.MockedFunction<CommitMany> = jest.fn((ids: string[]) => {
    const done = deferred<CompletedTransaction[]>();
    calls.push({ ids, done });
    return done.promise;
  });
  return { calls, commitMany };
}

/** Taken before the fake timers replace it: lets pending promise callbacks run. */
const realSetImmediate = setImmediate;
const flushMicrotasks = () => new Promise<void>((resolve) => realSetImmediate(resolve));
const uniqueViolation = () => Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('SettlementCommitBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits a settlement that arrives alone on the next turn, without waiting for company', async () => {
    const { calls, commitMany } = manualCommits();
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    void batcher.complete('txn_1');
    expect(calls).toHaveLength(0);
    jest.advanceTimersByTime(0);
    expect(calls.map((c) => c.ids)).toEqual([['txn_1']]);
  });

  it('sends a full batch at once and never more than maxBatch settlements in one commit', () => {
    const { calls, commitMany } = manualCommits();
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    for (const id of ['txn_5', 'txn_2', 'txn_4', 'txn_1']) void batcher.complete(id);
    // The third made a full batch, sent before any timer ran; the fourth waits its turn.
    expect(calls.map((c) => c.ids)).toEqual([['txn_2', 'txn_4', 'txn_5']]);
    jest.advanceTimersByTime(BOUNDS.waitMs);
    expect(calls.map((c) => c.ids)).toEqual([['txn_2', 'txn_4', 'txn_5'], ['txn_1']]);
  });

  it('while a batch commits, collects later settlements for at most waitMs', () => {
    const { calls, commitMany } = manualCommits();
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    void batcher.complete('txn_1');
    jest.advanceTimersByTime(0);
    void batcher.complete('txn_2');
    jest.advanceTimersByTime(BOUNDS.waitMs - 1);
    void batcher.complete('txn_3');
    expect(calls).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(calls.map((c) => c.ids)).toEqual([['txn_1'], ['txn_2', 'txn_3']]);
  });

  it('holds at most maxInFlight commits, and sends what waited as soon as one ends', async () => {
    const { calls, commitMany } = manualCommits();
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    void batcher.complete('txn_1');
    jest.advanceTimersByTime(0);
    void batcher.complete('txn_2');
    jest.advanceTimersByTime(BOUNDS.waitMs);
    expect(calls).toHaveLength(2);
    void batcher.complete('txn_3');
    void batcher.complete('txn_4');
    jest.advanceTimersByTime(BOUNDS.waitMs * 10);
    expect(calls).toHaveLength(2); // both slots busy: the third batch waits, and grows meanwhile
    calls[0].done.resolve([completed('txn_1')]);
    await flushMicrotasks();
    expect(calls.map((c) => c.ids)).toEqual([['txn_1'], ['txn_2'], ['txn_3', 'txn_4']]);
  });

  it('answers each settlement only after the commit covering it has ended', async () => {
    const { calls, commitMany } = manualCommits();
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    let answered: unknown;
    void batcher.complete('txn_1').then((completion) => (answered = completion));
    jest.advanceTimersByTime(0);
    await flushMicrotasks();
    expect(answered).toBeUndefined();
    calls[0].done.resolve([completed('txn_1')]);
    await flushMicrotasks();
    expect(answered).toEqual({ kind: 'committed', ...completed('txn_1') });
  });

  it('tells a settlement whose row was not moved (already PROCESSED) so, and the second of two in one batch likewise', async () => {
    const commitMany = jest.fn(async (ids: string[]) => ids.filter((id) => id !== 'txn_done').map(completed));
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    const answers = Promise.all([batcher.complete('txn_1'), batcher.complete('txn_done'), batcher.complete('txn_1')]);
    jest.advanceTimersByTime(0);
    await expect(answers).resolves.toEqual([
      { kind: 'committed', ...completed('txn_1') },
      { kind: 'already-processed' },
      { kind: 'already-processed' },
    ]);
    expect(commitMany).toHaveBeenCalledWith(['txn_1', 'txn_done']);
  });

  it('retries a failed batch one settlement at a time, so only the bad one fails', async () => {
    const commitMany = jest.fn(async (ids: string[]) => {
      if (ids.includes('txn_bad')) throw uniqueViolation();
      return ids.map(completed);
    });
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    const answers = ['txn_1', 'txn_bad', 'txn_2'].map((id) =>
      batcher.complete(id).then(
        (completion) => completion.kind,
        (error: Error) => error.message,
      ),
    );
    await expect(Promise.all(answers)).resolves.toEqual(['committed', 'duplicate key value violates unique constraint', 'committed']);
    expect(commitMany.mock.calls).toEqual([[['txn_1', 'txn_2', 'txn_bad']], [['txn_1']], [['txn_2']], [['txn_bad']]]);
  });

  it('fails the whole batch at once when PostgreSQL is unavailable, without one commit per settlement', async () => {
    const commitMany = jest.fn(async () => Promise.reject(unavailable()));
    const batcher = new SettlementCommitBatcher(commitMany, BOUNDS);
    const answers = ['txn_1', 'txn_2'].map((id) => batcher.complete(id).catch((error: Error) => error.message));
    jest.advanceTimersByTime(0);
    await expect(Promise.all(answers)).resolves.toEqual(['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432']);
    expect(commitMany).toHaveBeenCalledTimes(1);
  });
});
