import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type TransactionListFilter, TransactionsService, encodeCursor, listTransactionsSql } from '@app/transactions';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

/** Deliveries made on the service, not over HTTP: their `received` events say so. */
const TEST_ORIGIN = { source: 'native', requestId: 'e2e-service-call' };

interface Page {
  items: { transaction_id: string; source_account: string; destination_account: string; status: string }[];
  next_cursor: string | null;
}

describe('listing GET /v1/transactions', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  async function receive(id: string, source: string, destination: string): Promise<string> {
    const body = { transaction_id: id, source_account: source, destination_account: destination, amount: 12.5, currency: 'INR' };
    await api.http().post('/v1/webhooks/transactions').send(body).expect(202);
    return id;
  }

  async function receiveMany(count: number, account: string): Promise<string[]> {
    const ids: string[] = [];
    // One after the other, so posting order is id order.
    for (let i = 0; i < count; i++) ids.push(await receive(uniqueId(`t${i}`), account, uniqueId('counterparty')));
    return ids;
  }

  async function page(query: string): Promise<Page> {
    const res = await api.http().get(`/v1/transactions?${query}`).expect(200);
    return res.body as Page;
  }

  /** Follows next_cursor to the end; `between` runs after each page (to insert meanwhile). */
  async function walk(query: string, limit: number, between: () => Promise<unknown> = async () => undefined): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const current: Page = await page(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(current.items.length).toBeLessThanOrEqual(limit);
      seen.push(...current.items.map((item) => item.transaction_id));
      cursor = current.next_cursor;
      if (cursor) expect(current.items).toHaveLength(limit);
      await between();
    } while (cursor);
    return seen;
  }

  it('walks every page of a known set newest first, with no repeats or gaps', async () => {
    const account = uniqueId('acct');
    const ids = await receiveMany(23, account);
    expect(await walk(`account=${account}`, 5)).toEqual([...ids].reverse());
    expect(await walk(`account=${account}`, 23)).toEqual([...ids].reverse());
    expect(await walk(`account=${account}`, 100)).toEqual([...ids].reverse());
  });

  it('stays stable while transactions arrive between and during page reads', async () => {
    const account = uniqueId('acct');
    const known = await receiveMany(18, account);
    const arrivals: string[] = [];
    const insertTwo = () =>
      Promise.all([1, 2].map(() => receive(uniqueId('new'), account, uniqueId('cp')).then((id) => arrivals.push(id))));

    // Inserts run concurrently with the page reads, and again between them.
    const walked = await walk(`account=${account}`, 4, () => Promise.all([insertTwo(), page(`account=${account}&limit=4`)]));
    expect(walked).toEqual([...known].reverse());
    expect(arrivals.length).toBeGreaterThan(0);

    // A fresh walk sees everything, still exactly once each.
    const all = await walk(`account=${account}`, 7);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...known, ...arrivals].sort());
  });

  it('walks a hot account written by many concurrent batches with created_at never increasing, every row once', async () => {
    const account = uniqueId('hot');
    const transactions = api.app.get(TransactionsService);
    // Many deliveries at once: the intake batcher turns them into concurrent multi-row statements,
    // whose ids and commit times interleave.
    const ids = Array.from({ length: 400 }, (_, i) => uniqueId(`hot_${i}`));
    await Promise.all(
      ids.map((id, i) =>
        transactions.receive(
          {
            transactionId: id,
            sourceAccount: i % 2 ? account : uniqueId('cp'),
            destinationAccount: i % 2 ? uniqueId('cp') : account,
            amount: '1.00',
            currency: 'INR',
          },
          TEST_ORIGIN,
        ),
      ),
    );
    const seen: { transaction_id: string; created_at: string }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const res: { body: { items: typeof seen; next_cursor: string | null } } = await api
        .http()
        .get(`/v1/transactions?account=${account}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
    }
    expect(seen.map((item) => item.transaction_id).sort()).toEqual([...ids].sort());
    const rises = seen.filter((item, i) => i > 0 && item.created_at > seen[i - 1].created_at);
    expect(rises).toEqual([]);
  });

  it('matches the account on either side, and filters by status', async () => {
    const account = uniqueId('acct');
    const asSource = await receive(uniqueId('src'), account, uniqueId('cp'));
    const asDestination = await receive(uniqueId('dst'), uniqueId('cp'), account);
    const failed = await receive(uniqueId('failed'), account, uniqueId('cp'));
    await receive(uniqueId('other'), uniqueId('cp'), uniqueId('cp'));
    await api.app.get(DataSource).query(`UPDATE transactions SET status = 'FAILED', attempts = 5 WHERE transaction_id = $1`, [failed]);

    const either = await page(`account=${account}`);
    expect(either.items.map((item) => item.transaction_id)).toEqual([failed, asDestination, asSource]);
    expect(either.next_cursor).toBeNull();

    const onlyFailed = await page(`account=${account}&status=FAILED`);
    expect(onlyFailed.items.map((item) => item.transaction_id)).toEqual([failed]);
    const failedAnywhere = await page('status=FAILED&limit=100');
    expect(failedAnywhere.items.map((item) => item.transaction_id)).toContain(failed);
    expect(failedAnywhere.items.every((item) => item.status === 'FAILED')).toBe(true);
  });

  it('answers pages of 20 by default and an empty last page with a null cursor', async () => {
    const account = uniqueId('acct');
    await receiveMany(21, account);
    const first = await page(`account=${account}`);
    expect(first.items).toHaveLength(20);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await page(`account=${account}&cursor=${first.next_cursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect(await page(`account=${uniqueId('nobody')}`)).toEqual({ items: [], next_cursor: null });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=', 'limit'],
    ['limit=5&limit=6', 'limit'],
    ['status=DONE', 'status'],
    ['status=failed', 'status'],
    ['cursor=not-a-cursor!', 'cursor'],
    [`cursor=${Buffer.from('abc').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('0').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('-5').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('99999999999999999999').toString('base64url')}`, 'cursor'],
    [`account=${'a'.repeat(129)}`, 'account'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const res = await api
      .http()
      .get(`/v1/transactions?${query}`)
      .expect(400)
      .expect('Content-Type', /application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      type: 'https://paycheck.dev/problems/validation-error',
      errors: [expect.objectContaining({ field })],
    });
  });

  it.each([
    ['Status=FAILED', ['Status']],
    ['status[]=FAILED', ['status[]']],
    ['status=FAILED&status=PROCESSED', ['status']],
    ['account=a&account=b', ['account']],
    ['status=FAILED&sort=asc', ['sort']],
    ['page=2&offset=40', ['page', 'offset']],
  ])('answers 400 naming unknown, repeated or array-shaped parameters: %s', async (query, fields) => {
    const res = await api
      .http()
      .get(`/v1/transactions?${query}`)
      .expect(400)
      .expect('Content-Type', /application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, type: 'https://paycheck.dev/problems/validation-error' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it.each([
    ['GET', '/v1/transactions/some_id?expand=events'],
    ['GET', '/v1/accounts/some_account/balance?currency=INR'],
    ['POST', '/v1/transactions/some_id/retry?force=true'],
    ['POST', '/v1/transactions/retry?status=FAILED'],
  ])('answers 400 for a query parameter on a route that takes none: %s %s', async (method, path) => {
    const req = method === 'GET' ? api.http().get(path) : api.http().post(path).send({ status: 'FAILED' });
    const res = await req.expect(400).expect('Content-Type', /application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: new URL(path, 'http://x').searchParams.keys().next().value })]);
  });

  it('accepts a cursor for an id that no longer has rows after it', async () => {
    expect(await page(`cursor=${encodeCursor({ createdAtMicros: '0', id: '1' })}`)).toEqual({ items: [], next_cursor: null });
  });
});

/** Node types and index names of an EXPLAIN (FORMAT JSON) plan, depth first. */
function planNodes(plan: Record<string, unknown>): { types: string[]; indexes: string[] } {
  const types = [String(plan['Node Type'])];
  const indexes = typeof plan['Index Name'] === 'string' ? [plan['Index Name']] : [];
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) {
    const nested = planNodes(child);
    types.push(...nested.types);
    indexes.push(...nested.indexes);
  }
  return { types, indexes };
}

describe('listing query plans', () => {
  let client: Client;
  /** The position of the middle row, read once the rows exist (the cases below hold this object). */
  const MIDDLE = { createdAtMicros: '', id: '30000' };

  beforeAll(async () => {
    client = new Client({ connectionString: await createTestDatabase() });
    await client.connect();
    // 60 000 rows over 500 source and 700 destination accounts; FAILED is rare (1 in 200), as in life.
    await client.query(`
      INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency, status, processed_at, created_at)
      SELECT 'bulk_' || g, 'src_' || (g % 500), 'dst_' || (g % 700), 1, 'INR',
             CASE WHEN g % 200 = 0 THEN 'FAILED' WHEN g % 3 = 0 THEN 'PROCESSED' ELSE 'PROCESSING' END,
             CASE WHEN g % 200 <> 0 AND g % 3 = 0 THEN now() END,
             now() - (60000 - g) * interval '10 ms'
        FROM generate_series(1, 60000) AS g`);
    await client.query('ANALYZE transactions');
    const { rows } = await client.query<{ micros: string; id: string }>(
      `SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros, id::text FROM transactions ORDER BY id OFFSET 29999 LIMIT 1`,
    );
    Object.assign(MIDDLE, { createdAtMicros: rows[0].micros, id: rows[0].id });
  });

  afterAll(async () => {
    await client.end();
  });

  // [case, filter, indexes the plan must use, whether rows come out of the scans already ordered]
  it.each<[string, Omit<TransactionListFilter, 'limit'>, string[], boolean]>([
    ['no filter', {}, ['transactions_created_id_idx'], true],
    ['no filter, after a cursor', { after: MIDDLE }, ['transactions_created_id_idx'], true],
    ['a rare status', { status: 'FAILED' }, ['transactions_status_created_id_idx'], true],
    ['a rare status, after a cursor', { status: 'FAILED', after: MIDDLE }, ['transactions_status_created_id_idx'], true],
    // A third of all rows: walking the unfiltered order finds 21 of them soonest; either index will do.
    ['a common status', { status: 'PROCESSED' }, [], true],
    ['account', { account: 'src_7' }, ['transactions_source_created_id_idx', 'transactions_destination_created_id_idx'], true],
    [
      'account, after a cursor',
      { account: 'dst_7', after: MIDDLE },
      ['transactions_source_created_id_idx', 'transactions_destination_created_id_idx'],
      true,
    ],
    // The planner may combine the account and status indexes and sort the few rows that match both.
    [
      'account and status',
      { account: 'src_7', status: 'FAILED' },
      ['transactions_source_created_id_idx', 'transactions_destination_created_id_idx'],
      false,
    ],
  ])('uses an index, never a sequential scan: %s', async (_name, filter, expectedIndexes, ordered) => {
    const { sql, params } = listTransactionsSql({ ...filter, limit: 21 });
    const result = await client.query<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const { types, indexes } = planNodes(result.rows[0]['QUERY PLAN'][0].Plan);
    expect(types).not.toContain('Seq Scan');
    expect(indexes.length).toBeGreaterThan(0);
    expect(indexes).toEqual(expect.arrayContaining(expectedIndexes));
    if (ordered) expect(types).not.toContain('Sort');
  });
});
