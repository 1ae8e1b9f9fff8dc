import type { Response } from 'supertest';
import { SettlementQueue } from '@app/queue';
import {
  type TestApp,
  countTransactionRows,
  expectProblem,
  getTransaction,
  isolatedEnv,
  jobsForTransaction,
  postWebhook,
  postingsFor,
  startTestApp,
  uniqueId,
  waitFor,
} from '../support/test-app';
import { type WebhookBody, webhookBody } from '../support/webhooks';

const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TRANSACTION_KEYS = [
  'amount',
  'attempts',
  'created_at',
  'currency',
  'destination_account',
  'last_error',
  'processed_at',
  'source_account',
  'status',
  'transaction_id',
  'updated_at',
].sort();

describe('webhook intake (APP_ROLE=all)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'all',
      ...(await isolatedEnv()),
      // Long enough that a GET right after the 202 still sees PROCESSING on a busy machine.
      PROCESSING_DELAY_MS: '2000',
    });
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  /** Counts enqueue calls: a re-add under the same job id would be deduplicated by BullMQ and go unseen. */
  const spyOnEnqueue = () => jest.spyOn(t.app.get(SettlementQueue), 'enqueue');
  const enqueuesOf = (spy: ReturnType<typeof spyOnEnqueue>, id: string) =>
    spy.mock.calls.filter(([transactionId]) => transactionId === id).length;

  const processed = (id: string) =>
    waitFor(
      () => getTransaction(t, id),
      (res) => res.body.status === 'PROCESSED',
    );

  describe('a new transaction', () => {
    it('answers 202 with the transaction in PROCESSING, its Location and the documented body', async () => {
      const body = webhookBody({ amount: 2500, currency: 'INR' });
      const res = await postWebhook(t, body).expect(202);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers.location).toBe(`/v1/transactions/${body.transaction_id}`);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(Object.keys(res.body).sort()).toEqual(TRANSACTION_KEYS);
      expect(res.body).toEqual({
        transaction_id: body.transaction_id,
        source_account: body.source_account,
        destination_account: body.destination_account,
        amount: 2500,
        currency: 'INR',
        status: 'PROCESSING',
        attempts: 0,
        last_error: null,
        created_at: expect.stringMatching(ISO_8601_UTC),
        updated_at: expect.stringMatching(ISO_8601_UTC),
        processed_at: null,
      });
    });

    it('percent-encodes the Location of an id with a colon, and the Location resolves', async () => {
      const body = webhookBody({ transaction_id: uniqueId('order:42') });
      const res = await postWebhook(t, body).expect(202);
      const got = await t.http().get(res.headers.location).expect(200);
      expect(got.body.transaction_id).toBe(body.transaction_id);
    });

    it('shows PROCESSING, then PROCESSED with processed_at set after one attempt', async () => {
      const body = webhookBody();
      const accepted = await postWebhook(t, body).expect(202);
      const early = await getTransaction(t, body.transaction_id).expect(200);
      expect(early.body).toMatchObject({ status: 'PROCESSING', attempts: 0, processed_at: null });

      const done = (await processed(body.transaction_id)).body;
      expect(done).toMatchObject({ status: 'PROCESSED', attempts: 1, last_error: null, created_at: accepted.body.created_at });
      expect(done.processed_at).toMatch(ISO_8601_UTC);
      expect(Date.parse(done.processed_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));
      expect(await postingsFor(t.app, body.transaction_id)).toEqual([
        { account_id: body.destination_account, side: 'credit', amount: '2500.00', currency: 'INR' },
        { account_id: body.source_account, side: 'debit', amount: '-2500.00', currency: 'INR' },
      ]);
    });
  });

  describe('redeliveries', () => {
    it('answers a redelivery after processing with 202, Idempotent-Replayed and the PROCESSED state, enqueuing nothing', async () => {
      const body = webhookBody();
      await postWebhook(t, body).expect(202);
      const current = (await processed(body.transaction_id)).body;

      const enqueue = spyOnEnqueue();
      const replay = await postWebhook(t, body).expect(202);
      expect(enqueuesOf(enqueue, body.transaction_id)).toBe(0);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.location).toBe(`/v1/transactions/${body.transaction_id}`);
      expect(replay.body).toEqual(current);
      expect(await jobsForTransaction(t.queue, body.transaction_id)).toHaveLength(1);
      expect(await postingsFor(t.app, body.transaction_id)).toHaveLength(2);
    });

    it('answers a redelivery during processing with the PROCESSING state', async () => {
      const body = webhookBody();
      await postWebhook(t, body).expect(202);
      const replay = await postWebhook(t, body).expect(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toMatchObject({ transaction_id: body.transaction_id, status: 'PROCESSING' });
      await processed(body.transaction_id);
      expect(await jobsForTransaction(t.queue, body.transaction_id)).toHaveLength(1);
    });

    it('treats another spelling of the same amount as the same payload', async () => {
      const body = webhookBody({ amount: 2500 });
      await postWebhook(t, body).expect(202);
      const respelled = JSON.stringify({ ...body, amount: 0 }).replace('"amount":0', '"amount":2.5e3');
      const replay = await postWebhook(t, respelled).expect(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const withDecimals = JSON.stringify({ ...body, amount: 0 }).replace('"amount":0', '"amount":2500.00');
      expect((await postWebhook(t, withDecimals).expect(202)).headers['idempotent-replayed']).toBe('true');
    });

    it('ignores added fields when comparing a redelivery', async () => {
      const body = webhookBody();
      await postWebhook(t, body).expect(202);
      const replay = await postWebhook(t, { ...body, note: 'sent again', retry_count: 3 }).expect(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });

    it.each([
      ['another amount', { amount: 2500.01 }],
      ['another source account', { source_account: 'someone_else' }],
      ['another destination account', { destination_account: 'another_merchant' }],
      ['another currency', { currency: 'USD' }],
    ])('answers 409 when the same id arrives with %s, changing nothing', async (_name, change: Partial<WebhookBody>) => {
      const body = webhookBody();
      await postWebhook(t, body).expect(202);
      const before = (await getTransaction(t, body.transaction_id).expect(200)).body;

      const conflict = await postWebhook(t, { ...body, ...change });
      const problem = expectProblem(conflict, 409);
      expect(problem.type).toMatch(/idempotency-conflict$/);
      expect(conflict.headers['idempotent-replayed']).toBeUndefined();
      expect((await getTransaction(t, body.transaction_id).expect(200)).body).toEqual(before);
      expect(await countTransactionRows(t.app, body.transaction_id)).toBe(1);
    });

    it('settles 50 concurrent identical deliveries once: one row, one job, one posting, one fresh answer', async () => {
      const body = webhookBody({ amount: 123.45 });
      const enqueue = spyOnEnqueue();
      const responses = await Promise.all(Array.from({ length: 50 }, () => postWebhook(t, body)));

      expect(responses.map((res) => res.status)).toEqual(Array(50).fill(202));
      const fresh = responses.filter((res) => res.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      expect(responses.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
      for (const res of responses) expect(res.body.transaction_id).toBe(body.transaction_id);
      expect(await countTransactionRows(t.app, body.transaction_id)).toBe(1);
      expect(enqueuesOf(enqueue, body.transaction_id)).toBe(1);

      await processed(body.transaction_id);
      expect(await jobsForTransaction(t.queue, body.transaction_id)).toHaveLength(1);
      expect(await postingsFor(t.app, body.transaction_id)).toHaveLength(2);
      await t
        .http()
        .get(`/v1/accounts/${body.source_account}/balance`)
        .expect(200, { account_id: body.source_account, balances: { INR: '-123.45' } });
      await t
        .http()
        .get(`/v1/accounts/${body.destination_account}/balance`)
        .expect(200, { account_id: body.destination_account, balances: { INR: '123.45' } });
    });

    it('lets exactly one of concurrent conflicting deliveries win; the rest replay it or get 409', async () => {
      const base = webhookBody();
      const variants = [base, { ...base, amount: 9 }];
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => postWebhook(t, variants[i % 2])));

      const fresh = responses.filter((res) => res.status === 202 && res.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      const winner = fresh[0].body.amount;
      for (const [i, res] of responses.entries()) {
        if (variants[i % 2].amount === winner) expect(res.status).toBe(202);
        else expectProblem(res, 409);
      }
      expect((await getTransaction(t, base.transaction_id).expect(200)).body.amount).toBe(winner);
      expect(await countTransactionRows(t.app, base.transaction_id)).toBe(1);
    });
  });

  describe('invalid input is refused with nothing stored', () => {
    const raw = (id: string, amount: string, currency = 'INR') =>
      `{"transaction_id":"${id}","source_account":"src_a","destination_account":"dst_b","amount":${amount},"currency":"${currency}"}`;

    it.each<[string, (id: string) => object | string, string]>([
      ['an id with a space', (id) => webhookBody({ transaction_id: `${id} x` }), 'transaction_id'],
      ['an id starting with _', (id) => webhookBody({ transaction_id: `_${id}` }), 'transaction_id'],
      ['an id of 129 characters', (id) => webhookBody({ transaction_id: id.padEnd(129, 'x') }), 'transaction_id'],
      ['a missing source', (id) => ({ ...webhookBody({ transaction_id: id }), source_account: undefined }), 'source_account'],
      ['a source with a slash', (id) => webhookBody({ transaction_id: id, source_account: 'a/b' }), 'source_account'],
      [
        'a destination equal to the source',
        (id) => webhookBody({ transaction_id: id, source_account: 'same', destination_account: 'same' }),
        'destination_account',
      ],
      ['a zero amount', (id) => raw(id, '0'), 'amount'],
      ['a negative amount', (id) => raw(id, '-5'), 'amount'],
      ['an amount as a string', (id) => raw(id, '"2500"'), 'amount'],
      ['three decimals in INR', (id) => raw(id, '10.005'), 'amount'],
      ['decimals in JPY', (id) => raw(id, '10.5', 'JPY'), 'amount'],
      ['four decimals in KWD', (id) => raw(id, '1.2345', 'KWD'), 'amount'],
      ['16 significant digits', (id) => raw(id, '1234567890123456', 'JPY'), 'amount'],
      ['a digit JSON.parse rounds away', (id) => raw(id, '2500.0000000000001'), 'amount'],
      ['a lower-case currency', (id) => raw(id, '10', 'inr'), 'currency'],
      ['an unknown currency', (id) => raw(id, '10', 'XYZ'), 'currency'],
      ['a withdrawn currency', (id) => raw(id, '10', 'HRK'), 'currency'],
    ])('answers 400 naming the field for %s', async (_name, build, field) => {
      const id = uniqueId('bad');
      const res = await postWebhook(t, build(id));
      const problem = expectProblem(res, 400);
      expect(problem.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
      const named = (problem.errors as Array<{ field: string }>).map((error) => error.field);
      expect(named).toEqual([field]);
      expectProblem(await getTransaction(t, id), 404);
    });

    it('lists every invalid field in one problem', async () => {
      const id = uniqueId('bad');
      const res = await postWebhook(t, {
        transaction_id: id,
        source_account: '',
        destination_account: '-x',
        amount: 0,
        currency: 'rupees',
      });
      const problem = expectProblem(res, 400);
      expect((problem.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
        'amount',
        'currency',
        'destination_account',
        'source_account',
      ]);
      expectProblem(await getTransaction(t, id), 404);
    });

    it('answers 400 for a JSON array body', async () => {
      expectProblem(await postWebhook(t, '[]'), 400);
    });

    it('answers 415 for text/plain', async () => {
      const body = webhookBody();
      const res = await t.http().post('/v1/webhooks/transactions').set('Content-Type', 'text/plain').send(JSON.stringify(body));
      expectProblem(res, 415);
      expectProblem(await getTransaction(t, body.transaction_id), 404);
    });

    it('answers 413 over BODY_LIMIT (100kb) and accepts a padded body under it', async () => {
      const over = webhookBody({ padding: 'x'.repeat(101 * 1024) });
      expectProblem(await postWebhook(t, over), 413);
      expectProblem(await getTransaction(t, over.transaction_id), 404);

      const under = webhookBody({ padding: 'x'.repeat(90 * 1024) });
      await postWebhook(t, under).expect(202);
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await postWebhook(t, '{"transaction_id":"txn_1", "amount": 25');
      expect(expectProblem(res, 400).type).toMatch(/malformed-json$/);
    });
  });

  describe('other answers', () => {
    it('answers 404 problem for an unknown transaction', async () => {
      const problem = expectProblem(await getTransaction(t, uniqueId('never_sent')), 404);
      expect(problem.errors).toBeUndefined();
    });

    it('does not echo a 10 kB id back in the 404 problem', async () => {
      const problem = expectProblem(await getTransaction(t, 'x'.repeat(10_000)), 404);
      expect(String(problem.detail).length).toBeLessThan(200);
    });

    it('answers 404 problem for an unknown route', async () => {
      expectProblem(await t.http().get('/v1/nothing-here'), 404);
      expectProblem(await t.http().post('/v1/webhooks/unknown').send({}), 404);
    });

    it('puts X-Request-Id on every response and echoes the one sent', async () => {
      const body = webhookBody();
      const responses: Response[] = [
        await postWebhook(t, body),
        await postWebhook(t, body),
        await postWebhook(t, { ...body, amount: 1 }),
        await postWebhook(t, '{"broken'),
        await postWebhook(t, webhookBody({ currency: 'inr' })),
        await t.http().post('/v1/webhooks/transactions').set('Content-Type', 'text/plain').send('hello'),
        await postWebhook(t, webhookBody({ padding: 'x'.repeat(101 * 1024) })),
        await getTransaction(t, body.transaction_id),
        await getTransaction(t, uniqueId('unknown')),
        await t.http().get('/nowhere'),
        await t.http().get('/v1/accounts/acc_1/balance'),
      ];
      expect(responses.map((res) => res.status)).toEqual([202, 202, 409, 400, 400, 415, 413, 200, 404, 404, 200]);
      for (const res of responses) expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/\S/));
      expect(new Set(responses.map((res) => res.headers['x-request-id'])).size).toBe(responses.length);

      const echoed = await postWebhook(t, webhookBody()).set('X-Request-Id', 'partner-req-0042');
      expect(echoed.headers['x-request-id']).toBe('partner-req-0042');
      const echoedError = await t.http().get('/nowhere').set('X-Request-Id', 'partner-req-0043');
      expect(echoedError.headers['x-request-id']).toBe('partner-req-0043');
    });

    it('replaces a sent X-Request-Id that is not a sane token instead of echoing it', async () => {
      for (const sent of ['has spaces in it', 'x'.repeat(129)]) {
        const res = await t.http().get('/nowhere').set('X-Request-Id', sent);
        expect(res.headers['x-request-id']).toEqual(expect.stringMatching(/^[\x21-\x7e]{1,128}$/));
        expect(res.headers['x-request-id']).not.toBe(sent);
      }
    });
  });

  describe('balances', () => {
    it('answers {} for an account with no postings', async () => {
      const account = uniqueId('idle');
      await t.http().get(`/v1/accounts/${account}/balance`).expect(200, { account_id: account, balances: {} });
    });

    it('sums exactly the distinct processed transactions per currency, redeliveries counted once', async () => {
      const [a, b, c] = [uniqueId('acc_a'), uniqueId('acc_b'), uniqueId('acc_c')];
      // [source, destination, amount literal, currency]
      const transfers: Array<[string, string, string, string]> = [
        [a, b, '2500', 'INR'],
        [a, c, '0.10', 'INR'],
        [b, c, '0.20', 'INR'],
        [c, a, '999999.99', 'INR'],
        [b, a, '1000', 'JPY'],
        [a, b, '1', 'JPY'],
        [c, b, '123456789012345', 'JPY'],
      ];
      const bodies = transfers.map(
        ([source, destination, amount, currency]) =>
          `{"transaction_id":"${uniqueId('bal')}","source_account":"${source}","destination_account":"${destination}","amount":${amount},"currency":"${currency}"}`,
      );
      for (const body of bodies) await postWebhook(t, body).expect(202);
      // Redeliveries, one of them after processing: none may post again.
      await postWebhook(t, bodies[0]).expect(202);
      await postWebhook(t, bodies[4]).expect(202);
      for (const body of bodies) await processed(JSON.parse(body).transaction_id);
      await postWebhook(t, bodies[1]).expect(202);

      const expected = expectedBalances(transfers);
      for (const account of [a, b, c]) {
        const res = await t.http().get(`/v1/accounts/${account}/balance`).expect(200);
        expect(res.body).toEqual({ account_id: account, balances: expected[account] });
      }
      expect(expected[a]).toEqual({ INR: '997499.89', JPY: '999' });
    });
  });
});

const MINOR_DIGITS: Record<string, number> = { INR: 2, JPY: 0 };

/** Balances computed independently, in integer minor units, formatted with the currency's digits. */
function expectedBalances(transfers: Array<[string, string, string, string]>): Record<string, Record<string, string>> {
  const minor = new Map<string, Map<string, bigint>>();
  const add = (account: string, currency: string, delta: bigint) => {
    const balances = minor.get(account) ?? new Map<string, bigint>();
    balances.set(currency, (balances.get(currency) ?? 0n) + delta);
    minor.set(account, balances);
  };
  for (const [source, destination, amount, currency] of transfers) {
    const [whole, fraction = ''] = amount.split('.');
    const digits = MINOR_DIGITS[currency];
    const units = BigInt(whole + fraction.padEnd(digits, '0'));
    add(source, currency, -units);
    add(destination, currency, units);
  }
  const result: Record<string, Record<string, string>> = {};
  for (const [account, balances] of minor) {
    result[account] = {};
    for (const [currency, units] of balances) result[account][currency] = formatMinor(units, MINOR_DIGITS[currency]);
  }
  return result;
}

function formatMinor(units: bigint, digits: number): string {
  const sign = units < 0n ? '-' : '';
  const text = (units < 0n ? -units : units).toString().padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
