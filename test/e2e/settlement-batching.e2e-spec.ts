import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LedgerService } from '@app/ledger';
import { SettlementCommitBatcher, commitSettlements } from '@app/processing';
import { SettlementQueue } from '@app/queue';
import { TransactionsService } from '@app/transactions';
import { type TestApp, isolatedEnv, jobsForTransaction, startTestApp, uniqueId, waitFor } from '../support/test-app';

const MANY = 500;

describe('settlement commits in batches (APP_ROLE=all, PROCESSING_DELAY_MS=0)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'all', ...(await isolatedEnv()), PROCESSING_DELAY_MS: '0', WORKER_CONCURRENCY: '1000' });
    db = t.app.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  /** `n` PROCESSING rows `${label}_1..n`, paying one merchant; returns their ids. */
  async function seed(label: string, n: number): Promise<string[]> {
    const rows: Array<{ transaction_id: string }> = await db.query(
      `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
       SELECT $1 || '_' || g, 'user_' || (g % 37), $1 || '_merchant', ((g % 97 + 1) || '.25')::numeric, 'INR' FROM generate_series(1, $2::int) g
       RETURNING transaction_id`,
      [label, n],
    );
    return rows.map((r) => r.transaction_id);
  }

  /** Queued while the queue is paused, then released at once: the settlements end together. */
  async function settleTogether(ids: string[]): Promise<void> {
    await t.queue.pause();
    await t.app.get(SettlementQueue).enqueueMany(ids.map((transactionId) => ({ transactionId, generation: 0 })));
    await t.queue.resume();
  }

  const statusesOf = async (label: string) =>
    db.query<Array<{ status: string; n: number }>>(
      `SELECT status, count(*)::int AS n FROM transactions WHERE transaction_id LIKE $1 || '\\_%' GROUP BY status ORDER BY status`,
      [label],
    );

  it(`settles ${MANY} concurrent settlements in shared commits, each posted exactly once`, async () => {
    const label = uniqueId('many');
    const ids = await seed(label, MANY);
    await settleTogether(ids);
    await waitFor(
      `${MANY} PROCESSED`,
      () => statusesOf(label),
      (rows) => rows.length === 1 && rows[0].status === 'PROCESSED' && rows[0].n === MANY,
      60_000,
    );

    const [ledger] = await db.query(
      `SELECT count(*)::int AS legs, count(DISTINCT p.transaction_id)::int AS posted, sum(p.amount)::text AS net,
              (SELECT sum(amount)::text FROM transactions WHERE transaction_id LIKE $1 || '\\_%') AS volume,
              sum(p.amount) FILTER (WHERE p.side = 'credit')::text AS credited
         FROM ledger_postings p JOIN transactions t ON t.id = p.transaction_id
        WHERE t.transaction_id LIKE $1 || '\\_%'`,
      [label],
    );
    expect(ledger).toEqual({ legs: 2 * MANY, posted: MANY, net: '0.00', volume: ledger.credited, credited: expect.any(String) });
    const [{ attempts }] = await db.query(
      `SELECT array_agg(DISTINCT attempts) AS attempts FROM transactions WHERE transaction_id LIKE $1 || '\\_%'`,
      [label],
    );
    expect(attempts).toEqual([1]);
    // now() is the transaction's start: rows sharing a processed_at were committed together.
    const [{ commits }] = await db.query(
      `SELECT count(DISTINCT processed_at)::int AS commits FROM transactions WHERE transaction_id LIKE $1 || '\\_%'`,
      [label],
    );
    expect(commits).toBeLessThan(MANY / 2);
  });

  it('fails only the settlement whose row breaks a constraint, and commits the rest of its batch', async () => {
    const label = uniqueId('poison');
    const ids = await seed(label, 40);
    const poisoned = ids[17];
    // A debit leg already there: the batch's INSERT of both legs breaks the one-leg-per-side constraint.
    await db.query(
      `INSERT INTO ledger_postings (transaction_id, account_id, side, amount, currency)
       SELECT id, source_account, 'debit', -amount, currency FROM transactions WHERE transaction_id = $1`,
      [poisoned],
    );
    await settleTogether(ids);
    const [job] = await jobsForTransaction(t.queue, poisoned);
    await waitFor(
      'the poisoned job to fail and the others to be PROCESSED',
      async () => ({ state: await job.getState(), statuses: await statusesOf(label) }),
      ({ state, statuses }) => state === 'failed' && statuses.find((s) => s.status === 'PROCESSED')?.n === ids.length - 1,
      60_000,
    );
    expect(await statusesOf(label)).toEqual([
      { status: 'PROCESSED', n: ids.length - 1 },
      { status: 'PROCESSING', n: 1 },
    ]);
    expect((await t.queue.getJob(job.id ?? ''))?.failedReason).toMatch(/duplicate key value violates unique constraint/);
    const [row] = await db.query(
      `SELECT t.status, count(p.id)::int AS legs FROM transactions t LEFT JOIN ledger_postings p ON p.transaction_id = t.id
        WHERE t.transaction_id = $1 GROUP BY t.status`,
      [poisoned],
    );
    expect(row).toEqual({ status: 'PROCESSING', legs: 1 }); // only the stray leg: nothing of the failed batch stayed
  });

  it('commits a batch together and, when one row breaks it, each of the others alone (the batcher against PostgreSQL)', async () => {
    const label = uniqueId('direct');
    const ids = await seed(label, 20);
    const poisoned = ids[5];
    await db.query(
      `INSERT INTO ledger_postings (transaction_id, account_id, side, amount, currency)
       SELECT id, destination_account, 'credit', amount, currency FROM transactions WHERE transaction_id = $1`,
      [poisoned],
    );
    const commitMany = jest.fn(commitSettlements(t.app.get(TransactionsService), t.app.get(LedgerService)));
    const batcher = new SettlementCommitBatcher(commitMany, { maxBatch: 20, waitMs: 1000, maxInFlight: 1 });
    const outcomes = await Promise.all(
      ids.map((id) =>
        batcher.complete(id).then(
          (completion) => completion.kind,
          (error: Error) => `error: ${error.message}`,
        ),
      ),
    );
    expect(commitMany.mock.calls[0][0]).toHaveLength(20); // the full batch first, in one commit
    expect(commitMany).toHaveBeenCalledTimes(21); // then each alone
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(19);
    expect(outcomes[5]).toMatch(/^error: duplicate key value violates unique constraint/);
    // A second delivery of the same settlements finds them done and posts nothing more.
    await expect(batcher.complete(ids[0])).resolves.toEqual({ kind: 'already-processed' });
    const [{ legs }] = await db.query(
      `SELECT count(*)::int AS legs FROM ledger_postings p JOIN transactions t ON t.id = p.transaction_id WHERE t.transaction_id LIKE $1 || '\\_%'`,
      [label],
    );
    expect(legs).toBe(19 * 2 + 1);
  });
});
