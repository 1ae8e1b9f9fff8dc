import { type NewTransaction, TransactionsService } from '@app/transactions';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';

/** Deliveries made on the service, not over HTTP: their `received` events say so. */
const TEST_ORIGIN = { source: 'native', requestId: 'e2e-service-call' };

/** Concurrent deliveries share one INSERT (TransactionIntakeBatcher); these pin what each caller still gets. */
describe('intake batching', () => {
  let api: TestApp;
  let transactions: TransactionsService;

  const delivery = (transactionId: string, amount = '25.00'): NewTransaction => ({
    transactionId,
    sourceAccount: 'batch_src',
    destinationAccount: 'batch_dst',
    amount,
    currency: 'INR',
  });

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
    transactions = api.app.get(TransactionsService);
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it('creates every id of a burst exactly once and enqueues one job each', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => uniqueId(`burst_${i}`));
    const outcomes = await Promise.all(ids.map((id) => transactions.receive(delivery(id), TEST_ORIGIN)));
    expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => 'created'));
    expect(outcomes.map((o) => o.transaction.transactionId)).toEqual(ids);
    const jobs = await api.queue.getJobs(['waiting', 'delayed', 'active']);
    for (const id of ids) expect(jobs.filter((job) => job.data.transactionId === id)).toHaveLength(1);
  });

  it('answers one delivery per id as created when the same id arrives many times at once', async () => {
    const id = uniqueId('same');
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => transactions.receive(delivery(id), TEST_ORIGIN)));
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(29);
  });

  it('stores one of conflicting deliveries arriving together and answers the others by comparison with it', async () => {
    const id = uniqueId('conflicting');
    const amounts = ['1.00', '2.00', '1.00', '3.00'];
    const outcomes = await Promise.all(amounts.map((amount) => transactions.receive(delivery(id, amount), TEST_ORIGIN)));
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
    const stored = outcomes.find((o) => o.kind === 'created')!.transaction.amount;
    for (const o of outcomes) expect(o.transaction.amount).toBe(stored);
    expect(outcomes.map((o) => o.kind === 'conflict')).toEqual(amounts.map((amount) => amount !== stored));
  });

  it('fails a row PostgreSQL rejects on its own, never its neighbours in the batch', async () => {
    const good = Array.from({ length: 10 }, (_, i) => uniqueId(`neighbour_${i}`));
    const tooLong = 'x'.repeat(200); // the column is varchar(128); the HTTP parser never lets this through
    const results = await Promise.allSettled(
      [...good.slice(0, 5), tooLong, ...good.slice(5)].map((id) => transactions.receive(delivery(id), TEST_ORIGIN)),
    );
    expect(results.map((r) => r.status)).toEqual([
      ...good.slice(0, 5).map(() => 'fulfilled'),
      'rejected',
      ...good.slice(5).map(() => 'fulfilled'),
    ]);
    for (const id of good) await expect(transactions.findByTransactionId(id)).resolves.toMatchObject({ transactionId: id });
  });
});
