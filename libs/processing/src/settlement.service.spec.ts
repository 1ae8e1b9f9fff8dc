import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { type AppConfig, loadConfig } from '@app/config';
import { type LedgerService } from '@app/ledger';
import { type CompletedTransaction, Transaction, type TransactionsService } from '@app/transactions';
import { type SettlementGateway } from './settlement-gateway';
import { STORAGE_RETRY_DELAY_MS, SettlementService } from './settlement.service';

function row(overrides: Partial<Transaction> = {}): Transaction {
  return Object.assign(new Transaction(), {
    id: '7',
    transactionId: 'txn_1',
    sourceAccount: 'a',
    destinationAccount: 'b',
    amount: '25.00',
    currency: 'INR',
    status: 'PROCESSING',
    attempts: 0,
    lastError: null,
    enqueueGeneration: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
    processedAt: null,
    ...overrides,
  });
}

function setup(options: { env?: Record<string, string>; current?: Transaction | null; gateway?: SettlementGateway['settle'] } = {}) {
  const config: AppConfig = loadConfig({ PROCESSING_MAX_ATTEMPTS: '3', PROCESSING_BACKOFF_MS: '1000', ...options.env });
  const current = options.current === undefined ? row() : options.current;
  const transactions = {
    findByTransactionIds: jest.fn(async () => (current ? [current] : [])),
    completeProcessingBatch: jest.fn(
      async (_ids: string[], alongside: (m: unknown, completed: CompletedTransaction[]) => Promise<void>) => {
        const completed = [{ transaction: current as Transaction, previousStatus: (current as Transaction).status }];
        await alongside({}, completed);
        return completed;
      },
    ),
    failExhausted: jest.fn(async () => row({ ...(current as Transaction), status: 'FAILED' })),
    recordFailedAttempt: jest.fn(async (_id: string, error: string, max: number) => {
      const attempts = (current as Transaction).attempts + 1;
      return row({ attempts, lastError: error, status: attempts >= max ? 'FAILED' : 'PROCESSING' });
    }),
  };
  const ledger = { post: jest.fn(async () => undefined) };
  const gateway = { settle: jest.fn(options.gateway ?? (async () => undefined)) };
  const service = new SettlementService(
    config,
    transactions as unknown as TransactionsService,
    ledger as unknown as LedgerService,
    gateway,
  );
  return { service, transactions, ledger, gateway };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await sleep(5);
  }
}

const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('SettlementService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('fails without another call when the attempts already made reach a lowered PROCESSING_MAX_ATTEMPTS', async () => {
    const { service, gateway, ledger, transactions } = setup({
      current: row({ attempts: 3, lastError: 'provider down' }),
      env: { PROCESSING_MAX_ATTEMPTS: '2' },
    });
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'failed', attempt: 3, error: 'provider down' });
    expect(transactions.failExhausted).toHaveBeenCalledWith('txn_1', 2);
    expect(gateway.settle).not.toHaveBeenCalled();
    expect(ledger.post).not.toHaveBeenCalled();
  });

  it('posts both legs once the external call succeeds', async () => {
    const { service, ledger, gateway } = setup();
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'processed', attempt: 1 });
    expect(gateway.settle).toHaveBeenCalledWith(expect.objectContaining({ transactionId: 'txn_1', amount: '25.00', attempt: 1 }));
    expect(ledger.post).toHaveBeenCalledWith({}, [
      expect.objectContaining({ transactionRef: '7', debitAccount: 'a', creditAccount: 'b', amount: '25.00' }),
    ]);
  });

  it('counts a failed call and asks for a retry after the backoff for that attempt', async () => {
    const { service, ledger } = setup({
      current: row({ attempts: 1 }),
      gateway: async () => Promise.reject(new Error('provider timeout')),
    });
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'retry', attempt: 2, delayMs: 2000, error: 'provider timeout' });
    expect(ledger.post).not.toHaveBeenCalled();
  });

  it('counts a call past SETTLEMENT_TIMEOUT_MS as a failed attempt, even when the gateway ignores the signal', async () => {
    let signal: AbortSignal | undefined;
    const { service, ledger, transactions } = setup({
      env: { SETTLEMENT_TIMEOUT_MS: '100' },
      gateway: (request) => ((signal = request.signal), new Promise<void>(() => undefined)),
    });
    const outcome = await Promise.race([service.settle('txn_1', 0), sleep(5000).then(() => 'still waiting for the gateway')]);
    expect(outcome).toEqual({ kind: 'retry', attempt: 1, delayMs: 1000, error: 'settlement call timed out after 100 ms' });
    expect(signal?.aborted).toBe(true);
    expect(transactions.recordFailedAttempt).toHaveBeenCalledWith('txn_1', 'settlement call timed out after 100 ms', 3);
    expect(ledger.post).not.toHaveBeenCalled();
  });

  it('marks the transaction FAILED when the last allowed call times out', async () => {
    const { service, ledger } = setup({
      env: { SETTLEMENT_TIMEOUT_MS: '100' },
      current: row({ attempts: 2 }),
      gateway: () => new Promise<void>(() => undefined),
    });
    const outcome = await Promise.race([service.settle('txn_1', 0), sleep(5000).then(() => 'still waiting for the gateway')]);
    expect(outcome).toEqual({ kind: 'failed', attempt: 3, error: 'settlement call timed out after 100 ms' });
    expect(ledger.post).not.toHaveBeenCalled();
  });

  it('marks the transaction FAILED on the last allowed attempt and posts nothing', async () => {
    const { service, transactions, ledger } = setup({
      current: row({ attempts: 2 }),
      gateway: async () => Promise.reject(new Error('declined')),
    });
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'failed', attempt: 3, error: 'declined' });
    expect(transactions.recordFailedAttempt).toHaveBeenCalledWith('txn_1', 'declined', 3);
    expect(ledger.post).not.toHaveBeenCalled();
  });

  it('applies its own max attempts and backoff, whoever enqueued the job', async () => {
    const { service } = setup({
      env: { PROCESSING_MAX_ATTEMPTS: '10', PROCESSING_BACKOFF_MS: '50' },
      current: row({ attempts: 2 }),
      gateway: async () => Promise.reject(new Error('x')),
    });
    await expect(service.settle('txn_1', 0)).resolves.toMatchObject({ kind: 'retry', delayMs: 200 });
  });

  it('does not call the provider for a transaction that is already PROCESSED', async () => {
    const { service, gateway } = setup({ current: row({ status: 'PROCESSED' }) });
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'skipped', reason: 'already PROCESSED' });
    expect(gateway.settle).not.toHaveBeenCalled();
  });

  it('skips a job from an older enqueue generation, which a newer job supersedes', async () => {
    const { service, gateway } = setup({ current: row({ enqueueGeneration: 2 }) });
    await expect(service.settle('txn_1', 1)).resolves.toMatchObject({ kind: 'skipped', reason: 'superseded by a newer enqueue' });
    expect(gateway.settle).not.toHaveBeenCalled();
  });

  it('runs a job that carries no generation (queued by an older build)', async () => {
    const { service } = setup({ current: row({ enqueueGeneration: 2 }) });
    await expect(service.settle('txn_1')).resolves.toMatchObject({ kind: 'processed' });
  });

  it('reports a concurrent settlement as skipped when the guarded transition finds nothing to do', async () => {
    const { service, transactions } = setup();
    transactions.completeProcessingBatch.mockResolvedValueOnce([]);
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'skipped', reason: 'settled concurrently by another delivery' });
  });

  it('defers without counting an attempt when PostgreSQL is unreachable', async () => {
    const { service, transactions, gateway } = setup();
    transactions.findByTransactionIds.mockRejectedValueOnce(unavailable());
    await expect(service.settle('txn_1', 0)).resolves.toMatchObject({ kind: 'deferred', delayMs: STORAGE_RETRY_DELAY_MS });
    expect(gateway.settle).not.toHaveBeenCalled();
    expect(transactions.recordFailedAttempt).not.toHaveBeenCalled();
  });

  it('retries the commit, not the call, when PostgreSQL goes away between the call and the commit', async () => {
    const { service, transactions, gateway, ledger } = setup();
    transactions.completeProcessingBatch
      .mockRejectedValueOnce(unavailable())
      .mockRejectedValueOnce(Object.assign(new Error('read-only'), { code: '25006' }));
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'processed', attempt: 1 });
    expect(gateway.settle).toHaveBeenCalledTimes(1);
    expect(transactions.completeProcessingBatch).toHaveBeenCalledTimes(3);
    expect(ledger.post).toHaveBeenCalledTimes(1);
    expect(transactions.recordFailedAttempt).not.toHaveBeenCalled();
  });

  it('hands the job back marked "call succeeded" when the worker stops while the commit still waits', async () => {
    const { service, transactions, gateway } = setup();
    transactions.completeProcessingBatch.mockRejectedValue(unavailable());
    const stopping = new AbortController();
    const settling = service.settle('txn_1', 0, { stopping: stopping.signal });
    await waitUntil(() => transactions.completeProcessingBatch.mock.calls.length > 0);
    stopping.abort();
    await expect(settling).resolves.toMatchObject({ kind: 'deferred', delayMs: STORAGE_RETRY_DELAY_MS, callSucceeded: true });
    expect(gateway.settle).toHaveBeenCalledTimes(1);
    expect(transactions.recordFailedAttempt).not.toHaveBeenCalled();
  });

  it("commits without calling again when an earlier delivery's call succeeded", async () => {
    const { service, gateway, ledger } = setup({ current: row({ attempts: 1, enqueueGeneration: 3 }) });
    await expect(service.settle('txn_1', 0, { callSucceeded: true })).resolves.toEqual({ kind: 'processed', attempt: 2 });
    expect(gateway.settle).not.toHaveBeenCalled();
    expect(ledger.post).toHaveBeenCalledTimes(1);
  });

  it('keeps the "call succeeded" mark when PostgreSQL is still unavailable at the next delivery', async () => {
    const { service, transactions, gateway } = setup();
    transactions.findByTransactionIds.mockRejectedValueOnce(unavailable());
    await expect(service.settle('txn_1', 0, { callSucceeded: true })).resolves.toMatchObject({ kind: 'deferred', callSucceeded: true });
    expect(gateway.settle).not.toHaveBeenCalled();
  });

  it('moves a FAILED transaction to PROCESSED when a call succeeds after all (a lost lock), and says so', async () => {
    const { service, ledger } = setup({ current: row({ status: 'FAILED', attempts: 3, lastError: 'declined' }) });
    await expect(service.settle('txn_1', 0, { callSucceeded: true })).resolves.toEqual({
      kind: 'processed',
      attempt: 4,
      lateSuccess: true,
    });
    expect(ledger.post).toHaveBeenCalledTimes(1);
  });

  it('reports a successful call whose row another delivery marked FAILED meanwhile as a late success', async () => {
    const { service, transactions } = setup();
    transactions.completeProcessingBatch.mockImplementationOnce(async (_ids, alongside) => {
      const completed = [{ transaction: row({ status: 'FAILED', attempts: 3 }), previousStatus: 'FAILED' as const }];
      await alongside({}, completed);
      return completed;
    });
    await expect(service.settle('txn_1', 0)).resolves.toEqual({ kind: 'processed', attempt: 1, lateSuccess: true });
  });

  it('never calls again for a transaction already PROCESSED, even when told the call succeeded', async () => {
    const { service, gateway, transactions } = setup({ current: row({ status: 'PROCESSED' }) });
    await expect(service.settle('txn_1', 0, { callSucceeded: true })).resolves.toEqual({ kind: 'skipped', reason: 'already PROCESSED' });
    expect(gateway.settle).not.toHaveBeenCalled();
    expect(transactions.completeProcessingBatch).not.toHaveBeenCalled();
  });

  it('lets an unexpected error through, so the job fails visibly', async () => {
    const { service, transactions } = setup();
    transactions.completeProcessingBatch.mockRejectedValueOnce(new Error('duplicate key value violates unique constraint'));
    await expect(service.settle('txn_1', 0)).rejects.toThrow('duplicate key');
  });
});
