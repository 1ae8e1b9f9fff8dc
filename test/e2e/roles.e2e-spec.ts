import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Socket, connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SETTLEMENT_QUEUE, redisConnectionOptions } from '@app/queue';
import { TestApp, isolatedEnv, startTestApp, testQueuePrefix, waitFor } from '../support/test-app';
import { freePort } from '../support/server-process';
import { createTestDatabase } from '../support/test-databases';
import { getTransaction, jobsForTransaction, postWebhook, postingsFor, webhookBody } from '../support/webhooks';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSING_DELAY_MS = 300;

describe('roles: an API and a worker sharing a database and a queue', () => {
  let api: TestApp;
  let worker: TestApp | undefined;
  const env: Record<string, string> = { PROCESSING_DELAY_MS: String(PROCESSING_DELAY_MS) };
  const body = webhookBody({ amount: 75.5, currency: 'USD' });

  beforeAll(async () => {
    Object.assign(env, { ...(await isolatedEnv()) });
    api = await startTestApp({ ...env, APP_ROLE: 'api' });
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
    await w.http().post('/v1/webhooks/transactions').set('Content-Type', 'application/json').send(JSON.stringify(webhookBody())).expect(404);
    await w.http().get(`/v1/accounts/${body.source_account}/balance`).expect(404);
    await w.http().get('/').expect(404);
  });
});

describe('the server process on SIGTERM', () => {
  const queues: Queue[] = [];
  const servers: StartedServer[] = [];

  afterAll(async () => {
    for (const server of servers) server.kill();
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  /** A server on a fresh database, prefix and port, once it answers /health/live. */
  async function liveServer(env: Record<string, string>): Promise<StartedServer> {
    const server = startServer({
      PORT: String(await freePort()),
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL,
      QUEUE_PREFIX: testQueuePrefix(),
      RECONCILE_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'warn',
      ...env,
    });
    servers.push(server);
    await waitFor(() => fetch(`${server.baseUrl}/health/live`).then((res) => res.status, () => 0), (status) => status === 200, 45000);
    return server;
  }

  it('finishes the job in hand and exits 0 (APP_ROLE=all)', async () => {
    const server = await liveServer({ APP_ROLE: 'all', PROCESSING_DELAY_MS: '3000' });
    const queue = new Queue(SETTLEMENT_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix: server.env.QUEUE_PREFIX });
    queues.push(queue);

    const body = webhookBody();
    const accepted = await fetch(`${server.baseUrl}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(accepted.status).toBe(202);
    const [job] = await waitFor(() => jobsForTransaction(queue, body.transaction_id), (jobs) => jobs.length === 1);
    await waitFor(() => job.getState(), (state) => state === 'active');

    expect(await server.stop()).toEqual({ code: 0, signal: null, output: '' });

    // It held the job when told to stop: it either finished it (posted once) or handed it back.
    const row = await rowState(server.env.DATABASE_URL, body.transaction_id);
    if (row.status === 'PROCESSED') {
      expect(row.postings).toBe(2);
    } else {
      expect(row).toEqual({ status: 'PROCESSING', postings: 0 });
      expect(['waiting', 'delayed']).toContain(await job.getState());
    }
  });

  it.each(['api', 'worker'])('exits 0 as APP_ROLE=%s', async (role) => {
    const server = await liveServer({ APP_ROLE: role });
    expect(await server.stop()).toEqual({ code: 0, signal: null, output: '' });
  });

  it.each(['worker', 'all'])('exits 0 as APP_ROLE=%s while Redis is unreachable', async (role) => {
    const server = await liveServer({ APP_ROLE: role, REDIS_URL: 'redis://127.0.0.1:1' });
    // Connection errors are logged as JSON lines too, never as raw multi-line stack dumps.
    const lines = server.outputSoFar().split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(await server.stop()).toEqual({ code: 0, signal: null, output: '' });
  });
});

describe('the server process on SIGTERM after losing Redis with a job in hand', () => {
  let queue: Queue | undefined;
  let server: StartedServer | undefined;
  let proxy: RedisProxy | undefined;

  afterAll(async () => {
    server?.kill();
    proxy?.cut();
    await queue?.obliterate({ force: true });
    await queue?.close();
  });

  it('still finishes the job in the database and exits 0', async () => {
    proxy = await startRedisProxy(REDIS_URL);
    const env = {
      APP_ROLE: 'all',
      PORT: String(await freePort()),
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: proxy.url,
      QUEUE_PREFIX: testQueuePrefix(),
      PROCESSING_DELAY_MS: '3000',
      RECONCILE_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'warn',
    };
    server = startServer(env);
    queue = new Queue(SETTLEMENT_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix: env.QUEUE_PREFIX });
    const live = server;
    await waitFor(() => fetch(`${live.baseUrl}/health/live`).then((res) => res.status, () => 0), (status) => status === 200, 45000);

    const body = webhookBody();
    const accepted = await fetch(`${live.baseUrl}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(accepted.status).toBe(202);
    const [job] = await waitFor(() => jobsForTransaction(queue!, body.transaction_id), (jobs) => jobs.length === 1);
    await waitFor(() => job.getState(), (state) => state === 'active');

    proxy.cut();
    expect(await live.stop()).toEqual({ code: 0, signal: null, output: '' });
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
    const server = startServer({ PORT: String(await freePort()), LOG_LEVEL: 'warn', [name]: value });
    const { code, output } = await server.exited();
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

/** Generous: a stop may wait for a job in hand; beyond this the process is hung, not slow. */
const STOP_DEADLINE_MS = 30000;

interface StoppedServer {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The process output, kept only when it did not exit 0. */
  output: string;
}

interface StartedServer {
  env: Record<string, string>;
  baseUrl: string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after STOP_DEADLINE_MS). */
  stop: () => Promise<StoppedServer>;
  /** Waits for an exit the process makes on its own, with all of its output. */
  exited: () => Promise<{ code: number | null; output: string }>;
  /** Everything written to stdout and stderr so far (the last 20 kB). */
  outputSoFar: () => string;
  kill: () => void;
}

/** Runs apps/server/src/main.ts as the deployed entry point would, compiled on the fly. */
function startServer(env: Record<string, string>): StartedServer {
  const root = resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/server/src/main.ts'],
    { cwd: root, env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: resolve(root, 'tsconfig.json'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = () => {
    if (running()) child.kill('SIGKILL');
  };
  const stop = async (): Promise<StoppedServer> => {
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    const deadline = setTimeout(() => {
      output += `\n[test] no exit ${STOP_DEADLINE_MS} ms after SIGTERM: killed`;
      kill();
    }, STOP_DEADLINE_MS);
    const [code, signal] = await exited;
    clearTimeout(deadline);
    return { code, signal, output: code === 0 ? '' : output };
  };
  const exitedByItself = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const exited = async () => ({ code: (await exitedByItself)[0], output });
  return { env, baseUrl: `http://127.0.0.1:${env.PORT}`, stop, kill, exited, outputSoFar: () => output };
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
