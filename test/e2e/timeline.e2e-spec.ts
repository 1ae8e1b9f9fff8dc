import { DataSource } from 'typeorm';
import { SETTLEMENT_GATEWAY } from '@app/processing';
import { STATS_COMPACTION_INTERVAL_MS, StatsService, TransactionsService } from '@app/transactions';
import { postProviderEvent, stripeKit } from '../support/provider-deliveries';
import { ScriptedGateway } from '../support/scripted-gateway';
import { type TestApp, expectProblem, startTestApp, testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

function webhook(id: string, amount = 25.5) {
  return { transaction_id: id, source_account: `src_${id}`, destination_account: `dst_${id}`, amount, currency: 'INR' };
}

interface EventItem {
  id: string;
  transaction_id: string;
  type: string;
  occurred_at: string;
  status: string;
  details: Record<string, unknown>;
}

describe('timelines, ledger legs and stats', () => {
  let app: TestApp;
  let gateway: ScriptedGateway;
  let db: DataSource;

  const events = async (id: string): Promise<EventItem[]> => (await app.http().get(`/v1/transactions/${id}/events`).expect(200)).body.items;
  const shape = (items: EventItem[]) => items.map((e) => [e.type, e.status]);
  const settled = (id: string, status: string) =>
    waitFor(
      () => app.http().get(`/v1/transactions/${id}`),
      (res) => res.body.status === status,
    );
  const post = (body: object, requestId?: string) => {
    const req = app.http().post('/v1/webhooks/transactions');
    if (requestId) req.set('X-Request-Id', requestId);
    return req.send(body);
  };

  beforeAll(async () => {
    app = await startTestApp(
      {
        APP_ROLE: 'all',
        DATABASE_URL: await createTestDatabase(),
        QUEUE_PREFIX: testQueuePrefix(),
        PROCESSING_MAX_ATTEMPTS: '3',
        PROCESSING_BACKOFF_MS: '50',
        ...stripeKit.env,
      },
      { processing: { settlementGateway: ScriptedGateway } },
    );
    gateway = app.app.get(SETTLEMENT_GATEWAY, { strict: false });
    db = app.app.get(DataSource);
  });

  afterEach(() => {
    gateway.alwaysFail = false;
  });

  afterAll(async () => {
    await app?.queue.obliterate({ force: true });
    await app?.close();
  });

  describe('GET /v1/transactions/{id}/events', () => {
    it('records a native webhook as received (with its request id), then processed', async () => {
      const id = uniqueId('tl_native');
      await post(webhook(id), 'req-native-1').expect(202);
      await settled(id, 'PROCESSED');
      const items = await events(id);
      expect(shape(items)).toEqual([
        ['received', 'PROCESSING'],
        ['processed', 'PROCESSED'],
      ]);
      expect(items[0]).toMatchObject({
        transaction_id: id,
        details: { source: 'native', request_id: 'req-native-1', redelivery: false },
      });
      expect(items[0].details).not.toHaveProperty('reverses');
      expect(items[1].details).toEqual({ attempt: 1, late: false });
      expect(BigInt(items[1].id)).toBeGreaterThan(BigInt(items[0].id));
      expect(new Date(items[0].occurred_at).toISOString()).toBe(items[0].occurred_at);
    });

    it('records each failed attempt, the failure, a single retry and the success after it', async () => {
      const id = uniqueId('tl_fail');
      gateway.failFirst.set(id, 3);
      await post(webhook(id)).expect(202);
      await settled(id, 'FAILED');
      await app.http().post(`/v1/transactions/${id}/retry`).expect(202);
      await settled(id, 'PROCESSED');
      const items = await events(id);
      expect(shape(items)).toEqual([
        ['received', 'PROCESSING'],
        ['attempt_failed', 'PROCESSING'],
        ['attempt_failed', 'PROCESSING'],
        ['failed', 'FAILED'],
        ['retried', 'PROCESSING'],
        ['processed', 'PROCESSED'],
      ]);
      expect(items.map((e) => e.details)).toEqual([
        expect.objectContaining({ source: 'native', redelivery: false }),
        { attempt: 1, error: 'provider declined attempt 1' },
        { attempt: 2, error: 'provider declined attempt 2' },
        { attempt: 3, error: 'provider declined attempt 3' },
        { mode: 'single' },
        { attempt: 1, late: false },
      ]);
    });

    it('marks a bulk retry as such', async () => {
      const id = uniqueId('tl_bulk');
      gateway.failFirst.set(id, 3);
      await post(webhook(id)).expect(202);
      await settled(id, 'FAILED');
      const res = await app.http().post('/v1/transactions/retry').send({ status: 'FAILED' }).expect(202);
      expect(res.body.requeued).toBeGreaterThanOrEqual(1);
      await settled(id, 'PROCESSED');
      const retried = (await events(id)).filter((e) => e.type === 'retried');
      expect(retried.map((e) => e.details)).toEqual([{ mode: 'bulk' }]);
    });

    it('records a late success from FAILED as processed with late: true', async () => {
      const id = uniqueId('tl_late');
      gateway.failFirst.set(id, 3);
      await post(webhook(id)).expect(202);
      await settled(id, 'FAILED');
      // What the settlement service does when an attempt it gave up on answers success after all.
      await app.app.get(TransactionsService).completeProcessingBatch([id], async () => undefined);
      const last = (await events(id)).at(-1);
      expect(last).toMatchObject({ type: 'processed', status: 'PROCESSED', details: { attempt: 4, late: true } });
    });

    it('records a provider refund as received from the provider, naming the payment it reverses', async () => {
      const payment = stripeKit.newPayment();
      await postProviderEvent(app, stripeKit, JSON.stringify(stripeKit.payment(payment))).expect(202);
      const refund = { id: uniqueId('re'), paymentId: payment.id, minor: 500, currency: payment.currency };
      await postProviderEvent(app, stripeKit, JSON.stringify(stripeKit.refund(refund)))
        .set('X-Request-Id', 'req-refund')
        .expect(202);
      const [paymentReceived] = await events(stripeKit.paymentTransactionId(payment));
      expect(paymentReceived.details).toMatchObject({ source: 'stripe', redelivery: false });
      expect(paymentReceived.details).not.toHaveProperty('reverses');
      const [refundReceived] = await events(stripeKit.refundTransactionId(refund));
      expect(refundReceived.details).toEqual({
        source: 'stripe',
        request_id: 'req-refund',
        redelivery: false,
        reverses: stripeKit.paymentTransactionId(payment),
      });
    });

    it('keeps a redelivery storm to a bounded number of redelivery rows between other events, and answers every delivery', async () => {
      const id = uniqueId('tl_storm');
      const redeliveryRows = async () => (await events(id)).filter((e) => e.details.redelivery === true);
      gateway.hold((call) => call.transactionId === id);
      let afterFirstRound: EventItem[];
      try {
        await post(webhook(id)).expect(202);
        const storm = () => Promise.all(Array.from({ length: 25 }, () => post(webhook(id)).expect(202)));
        await storm();
        // Concurrent statements of the first round may each see no redelivery row yet: at most one row each.
        afterFirstRound = await redeliveryRows();
        expect(afterFirstRound.length).toBeGreaterThanOrEqual(1);
        expect(afterFirstRound.length).toBeLessThanOrEqual(5);
        expect(afterFirstRound[0].details).toMatchObject({ source: 'native', redelivery: true, request_id: expect.any(String) });
        for (let round = 0; round < 3; round++) await storm();
        // A different payload under the same id is a conflict, not a redelivery: not recorded.
        await post(webhook(id, 99)).expect(409);
        expect(await redeliveryRows()).toEqual(afterFirstRound);
      } finally {
        gateway.release();
      }
      await settled(id, 'PROCESSED');
      // After another event, one redelivery row again (sequential deliveries: exactly one).
      for (let i = 0; i < 10; i++) await post(webhook(id)).expect(202);
      const items = await events(id);
      expect(shape(items.slice(-2))).toEqual([
        ['processed', 'PROCESSED'],
        ['received', 'PROCESSED'],
      ]);
      expect(items).toHaveLength(1 + afterFirstRound.length + 2);
    });

    it('answers 404 for an unknown transaction and 400 for a query parameter', async () => {
      expectProblem(await app.http().get(`/v1/transactions/${uniqueId('nope')}/events`), 404);
      const id = uniqueId('tl_q');
      await post(webhook(id)).expect(202);
      expectProblem(await app.http().get(`/v1/transactions/${id}/events?since=1`), 400);
    });
  });

  describe('GET /v1/transactions/{id}/ledger', () => {
    it('answers [] until posted, then the debit and the credit', async () => {
      const id = uniqueId('tl_ledger');
      gateway.hold((call) => call.transactionId === id);
      try {
        await post(webhook(id, 25)).expect(202);
        expect((await app.http().get(`/v1/transactions/${id}/ledger`).expect(200)).body).toEqual({ items: [] });
      } finally {
        gateway.release();
      }
      await settled(id, 'PROCESSED');
      const { items } = (await app.http().get(`/v1/transactions/${id}/ledger`).expect(200)).body;
      expect(items).toEqual([
        { account_id: `src_${id}`, direction: 'debit', amount: '25.00', currency: 'INR', posted_at: expect.any(String) },
        { account_id: `dst_${id}`, direction: 'credit', amount: '25.00', currency: 'INR', posted_at: expect.any(String) },
      ]);
    });

    it('answers 404 for an unknown transaction and 400 for a query parameter', async () => {
      expectProblem(await app.http().get(`/v1/transactions/${uniqueId('nope')}/ledger`), 404);
      expectProblem(await app.http().get(`/v1/transactions/${uniqueId('nope')}/ledger?x=1`), 400);
    });
  });

  describe('GET /v1/stats', () => {
    interface Window {
      received: number;
      processed: number;
      failed: number;
      processed_volume: Record<string, string>;
    }

    /** The same numbers by brute force over the tables, in one statement. */
    async function countedDirectly(): Promise<{ by_status: Record<string, number>; last_hour: Window; last_day: Window }> {
      const windowOf = async (span: string): Promise<Window> => {
        const rows: Array<{ currency: string; received: string; processed: string; failed: string; volume: string }> = await db.query(
          `SELECT t.currency,
                  count(*) FILTER (WHERE e.type = 'received' AND NOT (e.details @> '{"redelivery":true}'))::text AS received,
                  count(*) FILTER (WHERE e.type = 'processed')::text AS processed,
                  count(*) FILTER (WHERE e.type = 'failed')::text AS failed,
                  coalesce(sum(t.amount) FILTER (WHERE e.type = 'processed'), 0)::text AS volume
             FROM transaction_events e JOIN transactions t USING (transaction_id)
            WHERE e.occurred_at > $1::timestamptz - $2::interval
            GROUP BY t.currency`,
          [stats.as_of, span],
        );
        const window: Window = { received: 0, processed: 0, failed: 0, processed_volume: {} };
        for (const r of rows) {
          window.received += Number(r.received);
          window.processed += Number(r.processed);
          window.failed += Number(r.failed);
          if (Number(r.processed) > 0) window.processed_volume[r.currency] = r.volume;
        }
        return window;
      };
      const statuses: Array<{ status: string; n: number }> = await db.query(
        `SELECT status, count(*)::int AS n FROM transactions GROUP BY status`,
      );
      const by_status: Record<string, number> = { PROCESSING: 0, PROCESSED: 0, FAILED: 0 };
      for (const s of statuses) by_status[s.status] = s.n;
      return { by_status, last_hour: await windowOf('1 hour'), last_day: await windowOf('1 day') };
    }

    let stats: { as_of: string } & Record<string, unknown>;
    const readStats = async () => {
      stats = (await app.http().get('/v1/stats').expect(200)).body;
      return stats;
    };
    /** Nothing in flight: every webhook of this file has settled. */
    const quiet = () =>
      waitFor(
        () => db.query(`SELECT count(*)::int AS n FROM transactions WHERE status = 'PROCESSING'`),
        (rows: Array<{ n: number }>) => rows[0].n === 0,
      );

    it('matches direct counts after a mixed workload (failures, retries, a late success, a refund, redeliveries)', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => uniqueId(`st_${i}`));
      for (const id of ids.slice(0, 3)) gateway.failFirst.set(id, 3);
      await Promise.all(ids.map((id, i) => post(webhook(id, 10 + i)).expect(202)));
      await Promise.all(ids.slice(0, 4).map((id) => post(webhook(id, 10 + ids.indexOf(id))).expect(202)));
      await settled(ids[0], 'FAILED');
      await settled(ids[1], 'FAILED');
      await settled(ids[2], 'FAILED');
      await app.http().post(`/v1/transactions/${ids[0]}/retry`).expect(202);
      await app.app.get(TransactionsService).completeProcessingBatch([ids[1]], async () => undefined);
      await quiet();
      await app.app.get(StatsService).compact();

      const body = await readStats();
      expect(body).toEqual({ ...(await countedDirectly()), as_of: expect.any(String) });
      expect(body.by_status).toEqual(expect.objectContaining({ FAILED: expect.any(Number) }));
      expect((body.last_hour as Window).received).toBeGreaterThanOrEqual(12);
    });

    it('stays exact at the one-hour edge, to the microsecond, and for events older than a day', async () => {
      const id = uniqueId('st_edge');
      await post(webhook(id, 7)).expect(202);
      await settled(id, 'PROCESSED');
      await quiet();
      const [{ now }]: Array<{ now: string }> = await db.query(`SELECT now()::text AS now`);
      // processed events at the edges of both windows, in the same second as the edge, and one in the
      // edge second but already outside: the statement below runs at a later now() than `now`, so a few
      // land inside and a few outside depending on microseconds — the direct count decides which.
      await db.query(
        `INSERT INTO transaction_events (transaction_id, type, details, occurred_at)
         SELECT $1, 'processed', '{"attempt":1,"late":false}', $2::timestamptz - w.span + make_interval(secs => d.offset_s)
           FROM (VALUES (interval '1 hour'), (interval '1 day')) w(span),
                (VALUES (-3700.0), (-61.0), (-1.0), (-0.5), (0.2), (0.4), (0.6), (0.9), (1.5), (59.0), (61.0), (1800.0), (3500.0)) d(offset_s)`,
        [id, now],
      );
      for (let i = 0; i < 3; i++) {
        await readStats();
        expect(stats).toEqual({ ...(await countedDirectly()), as_of: stats.as_of });
        await app.app.get(StatsService).compact();
      }
    });

    it('answers 400 for a query parameter', async () => {
      expectProblem(await app.http().get('/v1/stats?window=1h'), 400);
    });

    it('compacts the counter slots into one row per status and bucket', async () => {
      await quiet();
      expect(await app.app.get(StatsService).compact()).toBe(true);
      const [{ slots }]: Array<{ slots: number }> = await db.query(`SELECT count(DISTINCT slot)::int AS slots FROM stats_status_counts`);
      expect(slots).toBe(1);
      expect(STATS_COMPACTION_INTERVAL_MS).toBeGreaterThan(0);
    });
  });
});
