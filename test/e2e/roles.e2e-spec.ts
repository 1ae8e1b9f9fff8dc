import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { SETTLEMENT_QUEUE, redisConnectionOptions } from '@app/queue';
import { TestApp, startTestApp, testQueuePrefix, waitFor } from '../support/test-app';
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
    Object.assign(env, { DATABASE_URL: await createTestDatabase(), QUEUE_PREFIX: testQueuePrefix() });
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
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('finishes the job in hand and exits 0', async () => {
    const prefix = testQueuePrefix();
    const queue = new Queue(SETTLEMENT_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix });
    queues.push(queue);
    const port = await freePort();
    const databaseUrl = await createTestDatabase();
    const server = startServer({
      APP_ROLE: 'all',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      PROCESSING_DELAY_MS: '3000',
      RECONCILE_INTERVAL_MS: '3600000',
      LOG_LEVEL: 'warn',
    });
    child = server.process;
    const base = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${base}/health/live`).then((res) => res.status, () => 0), (status) => status === 200, 45000);

    const body = webhookBody();
    const accepted = await fetch(`${base}/v1/webhooks/transactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(accepted.status).toBe(202);
    const [job] = await waitFor(() => jobsForTransaction(queue, body.transaction_id), (jobs) => jobs.length === 1);
    await waitFor(() => job.getState(), (state) => state === 'active');

    const exited = once(server.process, 'exit');
    server.process.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal, output: code === 0 ? '' : server.output() }).toEqual({ code: 0, signal: null, output: '' });

    // It held the job when told to stop: it either finished it (posted once) or handed it back.
    const row = await rowState(databaseUrl, body.transaction_id);
    if (row.status === 'PROCESSED') {
      expect(row.postings).toBe(2);
    } else {
      expect(row).toEqual({ status: 'PROCESSING', postings: 0 });
      expect(['waiting', 'delayed']).toContain(await job.getState());
    }
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

interface StartedServer {
  process: ChildProcess;
  output: () => string;
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
  return { process: child, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
