import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Client } from 'pg';
import { EventStreamHub } from '@app/event-stream';
import { EventStreamReader } from '../support/event-stream-reader';
import { type TestApp, isolatedEnv, startTestApp, uniqueId, waitFor } from '../support/test-app';

const API_KEY = 'k_stream_0123456789abcdef';
const AUTH = { Authorization: `Bearer ${API_KEY}` };
const HEARTBEAT_MS = 150;
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** A writer's connection: each event is written in a transaction that also touches its transactions row, as the service's writers do. */
class Writer {
  private constructor(readonly db: Client) {}

  static async connect(url: string): Promise<Writer> {
    const db = new Client({ connectionString: url, statement_timeout: 10_000 });
    await db.connect();
    return new Writer(db);
  }

  begin = () => this.db.query('BEGIN');
  commit = () => this.db.query('COMMIT');
  rollback = () => this.db.query('ROLLBACK');

  async insert(transactionId: string, type = 'attempt_failed', details: object = {}): Promise<string> {
    await this.db.query(`UPDATE transactions SET updated_at = now() WHERE transaction_id = $1`, [transactionId]);
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO transaction_events (transaction_id, type, details) VALUES ($1, $2, $3) RETURNING id::text AS id`,
      [transactionId, type, JSON.stringify(details)],
    );
    return rows[0].id;
  }

  async write(transactionId: string, type = 'attempt_failed', details: object = {}): Promise<string> {
    await this.begin();
    const id = await this.insert(transactionId, type, details);
    await this.commit();
    return id;
  }

  close = () => this.db.end();
}

describe('GET /v1/events', () => {
  let api: TestApp;
  let hub: EventStreamHub;
  let base: string;
  let databaseUrl: string;
  let a: Writer;
  let b: Writer;
  const readers: EventStreamReader[] = [];

  const newTransaction = async (source = uniqueId('src'), destination = uniqueId('dst')): Promise<string> => {
    const transactionId = uniqueId('txn_stream');
    await a.db.query(
      `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency) VALUES ($1, $2, $3, '25.00', 'INR')`,
      [transactionId, source, destination],
    );
    return transactionId;
  };
  const connect_ = async (query = '', headers: Record<string, string> = {}): Promise<EventStreamReader> => {
    const reader = await EventStreamReader.connect(`${base}/v1/events${query}`, { ...AUTH, ...headers });
    readers.push(reader);
    return reader;
  };
  /** Resolves once the poller has finished `rounds` more rounds: "it has looked", without a sleep. */
  const pollRounds = (rounds: number) => {
    const target = hub.completedPolls + rounds;
    return waitFor(
      () => Promise.resolve(hub.completedPolls),
      (n) => n >= target,
    );
  };

  beforeAll(async () => {
    const env = await isolatedEnv();
    databaseUrl = env.DATABASE_URL;
    api = await startTestApp(
      { APP_ROLE: 'api', API_KEYS: API_KEY, EVENT_STREAM_LIMIT: '4', ...env },
      { eventStream: { heartbeatIntervalMs: HEARTBEAT_MS, maxBufferedBytes: MAX_BUFFERED_BYTES } },
    );
    hub = api.app.get(EventStreamHub);
    const server = api.app.getHttpServer() as Server;
    // Far below the 30 s production value, so a healthy stream visibly outlives it.
    server.requestTimeout = 1000;
    server.headersTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [a, b] = await Promise.all([Writer.connect(databaseUrl), Writer.connect(databaseUrl)]);
    await waitFor(
      () => EventStreamReader.open(`${base}/v1/events`, AUTH),
      (answer) => {
        answer.stream?.close();
        return answer.status === 200;
      },
    );
  });

  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    await waitFor(
      () => Promise.resolve(hub.openStreams),
      (n) => n === 0,
    );
  });

  afterAll(async () => {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    await api?.close();
  });

  describe('refuses a bad request before the stream starts', () => {
    it.each([
      ['an unknown parameter', '?status=FAILED', {}, 'status'],
      ['a repeated filter', '?account=a1&account=a2', {}, 'account'],
      ['a malformed transaction_id', `?transaction_id=${encodeURIComponent('bad id')}`, {}, 'transaction_id'],
      ['a malformed Last-Event-ID', '', { 'Last-Event-ID': 'abc' }, 'Last-Event-ID'],
      ['a negative last_event_id', '?last_event_id=-1', {}, 'last_event_id'],
      ['an oversized Last-Event-ID', '', { 'Last-Event-ID': '1'.repeat(19) }, 'Last-Event-ID'],
    ])('answers 400 for %s', async (_name, query, headers, field) => {
      const answer = await EventStreamReader.open(`${base}/v1/events${query}`, { ...AUTH, ...headers });
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(answer.body ?? '')).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
    });

    it('answers 401 without an API key', async () => {
      const answer = await EventStreamReader.open(`${base}/v1/events`);
      expect(answer.status).toBe(401);
    });
  });

  it('streams with the headers proxies need, starting now, with the documented frame', async () => {
    const transactionId = await newTransaction('acc_frame_src', 'acc_frame_dst');
    const before = await a.write(transactionId, 'received', { source: 'native', request_id: 'r1', redelivery: false });
    // Stamped and read by the poller: from here on it is in the past.
    await waitFor(
      async () => (await a.db.query(`SELECT 1 FROM event_stream WHERE event_id = $1`, [before])).rowCount,
      (n) => n === 1,
    );
    await pollRounds(2);
    const reader = await connect_();
    expect(reader.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reader.res.headers['x-accel-buffering']).toBe('no');
    expect(reader.res.headers['cache-control']).toMatch(/no-cache/);
    const eventId = await a.write(transactionId, 'processed', { attempt: 1, late: false });
    const [event] = await reader.untilEvents(1);
    // The earlier event was before "now": only the new one arrives.
    expect(reader.events).toHaveLength(1);
    expect(event.event).toBe('processed');
    expect(event.data).toEqual({
      id: eventId,
      stream_id: event.id,
      transaction_id: transactionId,
      type: 'processed',
      occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      status: 'PROCESSED',
      details: { attempt: 1, late: false },
      source_account: 'acc_frame_src',
      destination_account: 'acc_frame_dst',
      amount: '25.00',
      currency: 'INR',
    });
  });

  it('delivers an event whose writer commits after a later one, in order, and loses nothing', async () => {
    const [first, second, third] = [await newTransaction(), await newTransaction(), await newTransaction()];
    const reader = await connect_();
    await a.begin();
    const earlierId = await a.insert(first); // A takes the lower id
    await b.begin();
    const laterId = await b.insert(second);
    await b.commit(); // B commits first
    expect(BigInt(laterId)).toBeGreaterThan(BigInt(earlierId));
    await pollRounds(3);
    // B's event waits for A: delivering it now and moving past A's id would lose A's for good.
    expect(reader.events).toEqual([]);
    await a.commit();
    await b.write(third);
    const events = await reader.untilEvents(3);
    expect(events.map((event) => event.data.transaction_id)).toEqual([first, second, third]);
    expect(events.map((event) => event.data.id)).toEqual([earlierId, laterId, expect.any(String)]);
    const ids = events.map((event) => BigInt(event.id));
    expect(ids[1]).toBe(ids[0] + 1n);
    expect(ids[2]).toBe(ids[1] + 1n);
  });

  it('a long-open transaction only delays the stream, and a rollback loses nothing', async () => {
    const ids = [await newTransaction(), await newTransaction(), await newTransaction()];
    const reader = await connect_();
    await a.begin();
    await a.insert(ids[0]); // holds an xid, and an event that will never commit
    await b.write(ids[1]);
    await b.write(ids[2]);
    await pollRounds(3);
    expect(reader.events).toEqual([]);
    expect(reader.ended).toBe(false);
    await a.rollback();
    const events = await reader.untilEvents(2);
    expect(events.map((event) => event.data.transaction_id)).toEqual([ids[1], ids[2]]);
    await pollRounds(2);
    expect(reader.events).toHaveLength(2);
  });

  it('resumes from Last-Event-ID with exactly the events missed', async () => {
    const transactionId = await newTransaction();
    const first = await connect_();
    for (let i = 0; i < 3; i++) await a.write(transactionId, 'attempt_failed', { attempt: i + 1, error: 'timeout' });
    const seen = await first.untilEvents(3);
    first.close();
    const missed = [];
    for (let i = 3; i < 6; i++) missed.push(await a.write(transactionId, 'attempt_failed', { attempt: i + 1, error: 'timeout' }));
    const resumed = await connect_('', { 'Last-Event-ID': seen[2].id });
    const more = await a.write(transactionId, 'processed', { attempt: 7, late: false });
    const events = await resumed.untilEvents(4);
    expect(events.map((event) => event.data.id)).toEqual([...missed, more]);
    await pollRounds(2);
    expect(resumed.events).toHaveLength(4);
    // ?last_event_id= does the same; the header, newer in a browser's reconnect, wins over it.
    const byQuery = await connect_(`?last_event_id=${seen[2].id}`);
    const both = await connect_(`?last_event_id=${seen[0].id}`, { 'Last-Event-ID': events[2].id });
    expect((await byQuery.untilEvents(4)).map((event) => event.data.id)).toEqual([...missed, more]);
    expect((await both.untilEvents(1)).map((event) => event.data.id)).toEqual([more]);
  });

  it('filters by transaction and by account on either side, live and on resume', async () => {
    const mine = await newTransaction('acc_filter_a', 'acc_filter_b');
    const theirs = await newTransaction('acc_filter_c', 'acc_filter_d');
    const incoming = await newTransaction('acc_filter_e', 'acc_filter_a');
    const start = await connect_();
    const byTransaction = await connect_(`?transaction_id=${mine}`);
    const byAccount = await connect_('?account=acc_filter_a');
    for (const id of [mine, theirs, incoming]) await a.write(id);
    await start.untilEvents(3);
    expect((await byTransaction.untilEvents(1)).map((event) => event.data.transaction_id)).toEqual([mine]);
    expect((await byAccount.untilEvents(2)).map((event) => event.data.transaction_id)).toEqual([mine, incoming]);
    const resumed = await connect_(`?account=acc_filter_a`, { 'Last-Event-ID': start.events[0].id });
    expect((await resumed.untilEvents(1)).map((event) => event.data.transaction_id)).toEqual([incoming]);
    await pollRounds(2);
    expect(byTransaction.events).toHaveLength(1);
    expect(resumed.events).toHaveLength(1);
  });

  it('sends a comment heartbeat, and a healthy stream outlives the server’s request deadline', async () => {
    const reader = await connect_();
    const started = Date.now();
    // requestTimeout is 1 s here (30 s in production): it bounds receiving a request, not a response.
    await waitFor(
      () => Promise.resolve(reader.comments.filter((comment) => comment === 'heartbeat').length),
      (n) => n >= 20,
    );
    expect(Date.now() - started).toBeGreaterThan(2500);
    expect(reader.ended).toBe(false);
    const transactionId = await newTransaction();
    await a.write(transactionId);
    expect((await reader.untilEvents(1))[0].data.transaction_id).toBe(transactionId);
  });

  it('answers 503 with Retry-After beyond EVENT_STREAM_LIMIT, and admits again once one closes', async () => {
    const open = [await connect_(), await connect_(), await connect_(), await connect_()];
    const refused = await EventStreamReader.open(`${base}/v1/events`, AUTH);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.body ?? '')).toMatchObject({ status: 503, type: expect.stringContaining('stream-unavailable') });
    open[0].close();
    await waitFor(
      () => Promise.resolve(hub.openStreams),
      (n) => n === 3,
    );
    await connect_();
  });

  it('disconnects a client that stops reading instead of buffering without bound', async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`GET /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${API_KEY}\r\n\r\n`);
    socket.pause(); // never reads: the kernel's buffers fill, then the server's
    await waitFor(
      () => Promise.resolve(hub.openStreams),
      (n) => n === 1,
    );
    const transactionId = await newTransaction();
    // 16 MB of events: far more than loopback socket buffers and the 1 MiB bound hold.
    await a.db.query(
      `INSERT INTO transaction_events (transaction_id, type, details)
       SELECT $1, 'attempt_failed', jsonb_build_object('attempt', n, 'error', repeat('x', 1000)) FROM generate_series(1, 16000) n`,
      [transactionId],
    );
    await waitFor(
      () => Promise.resolve(hub.openStreams),
      (n) => n === 0,
      60_000,
    );
    const metrics = await api.http().get('/metrics').set(AUTH);
    expect(metrics.text).toMatch(/^paycheck_event_stream_slow_clients_total 1$/m);
    // The server closed it: once read, what was sent ends.
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.resume();
    await closed;
    // The process serves on: a new stream gets its next event.
    const next = await newTransaction();
    const after = await connect_(`?transaction_id=${next}`);
    await a.write(next, 'processed', { attempt: 2, late: false });
    expect((await after.untilEvents(1, 60_000))[0].data.transaction_id).toBe(next);
  }, 150_000);

  it('ends open streams promptly when the application closes', async () => {
    const reader = await connect_();
    const started = Date.now();
    await api.close();
    const endedAt = await reader.endedAt;
    expect(endedAt - started).toBeLessThan(2000);
    api = { ...api, close: () => Promise.resolve() };
  });
});
