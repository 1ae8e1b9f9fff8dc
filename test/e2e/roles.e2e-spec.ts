import { once } from 'node:events';
import { type Socket, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SETTLEMENT_QUEUE, redisConnectionOptions } from '@app/queue';
import { BOOT_TIMEOUT_MS, PaycheckProcess } from '../support/processes/paycheck-process';
import {
  EXPECTS_FAILURE_ENV,
  type TestApp,
  getTransaction,
  isolatedEnv,
  jobsForTransaction,
  postWebhook,
  postingsFor,
  startTestApp,
  testQueuePrefix,
  waitFor,
} from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';
import { webhookBody } from '../support/webhooks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSING_DELAY_MS = 300;

describe('roles: an API and a worker sharing a database and a queue', () => {
  let api: TestApp;
  let worker: TestApp | undefined;
  const env: Record<string, string> = { PROCESSING_DELAY_MS: String(PROCESSING_DELAY_MS) };
  const body = webhookBody({ amount: 75.5, currency: 'USD' });

  beforeAll(async () => {
    Object.assign(env, { ...(await isolatedEnv()) });
    // Without a worker its /health/worker fails (503), as the second test expects.
    api = await startTestApp({ ...env, ...EXPECTS_FAILURE_ENV, APP_ROLE: 'api' });
  });

  afterAll(async () => {
    await api?.queue.obliterate({ force: true });
    await worker?.close();
    await api?.close();
  });

  it('the API alone accepts a webhook but never processes it', async () => {
    await postWebhook(api, body).expect(202);
    // An absence can only be shown by waiting: several times the processing delay.
    await sleep(PROCESSING_DELAY_MS * 5);
    const res = await getTransaction(api, body.transaction_id).expect(200);
    expect(res.body).toMatchObject({ status: 'PROCESSING', attempts: 0, processed_at: null });
    const jobs = await jobsForTransaction(api.queue, body.transaction_id);
    expect(await Promise.all(jobs.map((job) => job.getState()))).toEqual(['waiting']);
    expect(await postingsFor(api.app, body.transaction_id)).toEqual([]);
  });

  it('reports on /health/worker with 503 and a Terminus body while no worker consumes', async () => {
    const res = await api.http().get('/health/worker').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      status: 'error',
      error: { queue: { status: 'down', workers: 0 } },
      details: { queue: { status: 'down', workers: 0, waiting: 1 } },
    });
  });

  it('a worker started on the same database and prefix makes /health/worker 200 and processes the backlog once', async () => {
    worker = await startTestApp({ ...env, APP_ROLE: 'worker' });

    const health = await waitFor(
      () => api.http().get('/health/worker'),
      (res) => res.status === 200,
    );
    expect(health.body).toMatchObject({ status: 'ok', info: { queue: { status: 'up' } } });
    expect(health.body.details.queue.workers).toBeGreaterThanOrEqual(1);

    const done = await waitFor(
      () => getTransaction(api, body.transaction_id),
      (res) => res.body.status === 'PROCESSED',
    );
    expect(done.body).toMatchObject({ attempts: 1, last_error: null, processed_at: expect.any(String) });
    expect(await postingsFor(api.app, body.transaction_id)).toEqual([
      { account_id: body.destination_account, side: 'credit', amount: '75.50', currency: 'USD' },
      { account_id: body.source_account, side: 'debit', amount: '-75.50', currency: 'USD' },
    ]);
  });

  it('the worker serves the probes but no business route', async () => {
    const w = worker!;
    await w.http().get('/health/live').expect(200);
    await w.http().get(`/v1/transactions/${body.transaction_id}`).expect(404);
    await w
      .http()
      .post('/v1/webhooks/transactions')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(webhookBody()))
      .expect(404);
    await w.http().get(`/v1/accounts/${body.source_account}/balance`).expect(404);
    await w.http().get('/').expect(404);
  });
});

describe('the server process on SIGTERM', () => {
  const queues: Queue[] = [];
  const servers: PaycheckProcess[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  /** A server on a fresh database, prefix and port, once it answers /health/live. */
  async function liveServer(env: Record<string, string>): Promise<{ server: PaycheckProcess; env: Record<string, string> }> {
    const full = {
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL,
      QUEUE_PREFIX: testQueuePrefix(),
      RECONCILE_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'warn',
      ...env,
    };
    const server = await PaycheckProcess.launch(full);
    servers.push(server);
    return { server, env: full };
  }

  it('finishes the job in hand and exits 0 (APP_ROLE=all)', async () => {
    const { server, env } = await liveServer({ APP_ROLE: 'all', PROCESSING_DELAY_MS: '3000' });
    const queue = new Queue(SETTLEMENT_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix: env.QUEUE_PREFIX });
    queues.push(queue);

    const body = webhookBody();
    const accepted = await fetch(`${server.url}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(accepted.status).toBe(202);
    const [job] = await waitFor(
      () => jobsForTransaction(queue, body.transaction_id),
      (jobs) => jobs.length === 1,
    );
    await waitFor(
      () => job.getState(),
      (state) => state === 'active',
    );

    expect(await stopped(server)).toEqual({ code: 0, signal: null, output: '' });

    // It held the job when told to stop: it either finished it (posted once) or handed it back.
    const row = await rowState(env.DATABASE_URL, body.transaction_id);
    if (row.status === 'PROCESSED') {
      expect(row.postings).toBe(2);
    } else {
      expect(row).toEqual({ status: 'PROCESSING', postings: 0 });
      expect(['waiting', 'delayed']).toContain(await job.getState());
    }
  });

  it.each(['api', 'worker'])('exits 0 as APP_ROLE=%s', async (role) => {
    const { server } = await liveServer({ APP_ROLE: role });
    expect(await stopped(server)).toEqual({ code: 0, signal: null, output: '' });
  });

  it.each(['worker', 'all'])('exits 0 as APP_ROLE=%s while Redis is unreachable', async (role) => {
    const { server } = await liveServer({ APP_ROLE: role, REDIS_URL: 'redis://127.0.0.1:1' });
    // Connection errors are logged as JSON lines too, never as raw multi-line stack dumps.
    const lines = server.process
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(await stopped(server)).toEqual({ code: 0, signal: null, output: '' });
  });
});

describe('the server process on SIGTERM after losing Redis with a job in hand', () => {
  let queue: Queue | undefined;
  let server: PaycheckProcess | undefined;
  let proxy: RedisProxy | undefined;

  afterAll(async () => {
    await server?.kill();
    proxy?.cut();
    await queue?.obliterate({ force: true });
    await queue?.close();
  });

  it('still finishes the job in the database and exits 0', async () => {
    proxy = await startRedisProxy(REDIS_URL);
    const env = {
      APP_ROLE: 'all',
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: proxy.url,
      QUEUE_PREFIX: testQueuePrefix(),
      PROCESSING_DELAY_MS: '3000',
      RECONCILE_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'warn',
    };
    server = await PaycheckProcess.launch(env);
    queue = new Queue(SETTLEMENT_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix: env.QUEUE_PREFIX });
    const live = server;

    const body = webhookBody();
    const accepted = await fetch(`${live.url}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(accepted.status).toBe(202);
    const [job] = await waitFor(
      () => jobsForTransaction(queue!, body.transaction_id),
      (jobs) => jobs.length === 1,
    );
    await waitFor(
      () => job.getState(),
      (state) => state === 'active',
    );

    proxy.cut();
    expect(await stopped(live)).toEqual({ code: 0, signal: null, output: '' });
    expect(await rowState(env.DATABASE_URL, body.transaction_id)).toEqual({ status: 'PROCESSED', postings: 2 });
  });
});

describe('the server process with a bad variable', () => {
  it.each([
    ['PORT', 'eighty'],
    ['APP_ROLE', 'both'],
    ['WEBHOOK_SECRET', 'whsec_sup3rS3cret!value'],
    ['DATABASE_URL', 'mysql://admin:sup3rS3cret!value@db.example.com/paycheck'],
  ])('stops at boot with status 1 and a message naming %s, never echoing a secret', async (name, value) => {
    const server = await PaycheckProcess.launch({ LOG_LEVEL: 'warn', [name]: value }, { waitUntilLive: false });
    const { code } = await server.process.exitWithin(BOOT_TIMEOUT_MS);
    const output = server.process.output();
    expect(code).toBe(1);
    const fatal = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.level === 'fatal');
    expect(fatal).toMatchObject({ variable: name, msg: expect.stringContaining(name) });
    expect(output).not.toContain('sup3rS3cret');
  });
});

async function rowState(databaseUrl: string, transactionId: string): Promise<{ status: string; postings: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT t.status, (SELECT count(*)::int FROM ledger_postings p WHERE p.transaction_id = t.id) AS postings
         FROM transactions t WHERE t.transaction_id = $1`,
      [transactionId],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** SIGTERM and the exit, with the process's output when the exit was not clean (so a failure shows why). */
async function stopped(server: PaycheckProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const exit = await server.terminate();
  return { ...exit, output: exit.code === 0 && exit.signal === null ? '' : server.process.output() };
}

interface RedisProxy {
  url: string;
  /** Closes the listener and every open connection: Redis is gone for whoever used the proxy. */
  cut: () => void;
}

/** A TCP relay in front of Redis, so a test can take Redis away from one process only. */
async function startRedisProxy(redisUrl: string): Promise<RedisProxy> {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const { port } = relay.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut: () => {
      relay.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}
