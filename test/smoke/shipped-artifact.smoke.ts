import { existsSync } from 'node:fs';
import { ManagedProcess } from '../support/processes/managed-process';
import { DIST_MAIN, PaycheckProcess, REPO_ROOT, builtEntry } from '../support/processes/paycheck-process';
import { makeTempFolder, releaseAll } from '../support/processes/resources';
import { dropDatabase, testDatabaseUrl } from '../support/test-databases';
import { TEST_REDIS_URL, deleteKeysStartingWith } from '../support/test-redis';
import { uniqueSuffix } from '../support/unique-names';
import { waitFor } from '../support/wait-for';
import { REQUEST_TIMEOUT_MS, deliver, getJson, webhookBody } from '../support/webhooks';

/*
 * CI's smoke run of what ships: the built dist/ (as `npm run start:prod` runs it), migrated by
 * `npm run migrate`, started as an API and a worker, one webhook taken to PROCESSED, /console served
 * from dist/console, then both stopped with SIGTERM, each required to exit 0. Its own database and queue prefix, removed
 * afterwards whatever happened. Prints one PASS or FAIL line; exits 0 or 1.
 *
 *   npm run build && npm run test:smoke
 */

const MIGRATE_DEADLINE_MS = 120_000;
/** PROCESSING_DELAY_MS is 200 ms; the rest is a loaded machine's margin. */
const PROCESSED_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;

const run = uniqueSuffix();
const database = `paycheck_smoke_${run}`;
const queuePrefix = `paycheck-smoke-${run}`;
const databaseUrl = testDatabaseUrl(database);
const started: PaycheckProcess[] = [];

function say(message: string): void {
  process.stdout.write(`[smoke] ${message}\n`);
}

async function migrate(folder: string): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const migration = new ManagedProcess('migrate', npm, ['run', '--silent', 'migrate'], `${folder}/migrate.log`, {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const exit = await migration.exitWithin(MIGRATE_DEADLINE_MS);
  if (exit.code !== 0) throw new Error(`npm run migrate exited ${JSON.stringify(exit)}:\n${migration.logTail()}`);
}

async function smoke(): Promise<void> {
  if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} does not exist: run npm run build first`);
  const folder = makeTempFolder('smoke');
  say(`npm run migrate on ${database}`);
  await migrate(folder);

  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_MIGRATIONS_RUN: 'false', // the migration above must have been enough
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    PROCESSING_DELAY_MS: '200',
    LOG_LEVEL: 'info',
  };
  say('starting dist/ as APP_ROLE=api and APP_ROLE=worker');
  const [api] = await Promise.all(
    (['api', 'worker'] as const).map(async (role) => {
      const paycheck = await PaycheckProcess.launch({ ...env, APP_ROLE: role }, { entry: builtEntry(), folder, label: role });
      started.push(paycheck);
      return paycheck;
    }),
  );

  const body = webhookBody();
  const answer = await deliver(api.url, body);
  if (answer.status !== 202)
    throw new Error(`POST /v1/webhooks/transactions answered ${answer.status} ${answer.error ?? JSON.stringify(answer.body)}`);
  say(`webhook ${body.transaction_id} accepted (202); waiting for PROCESSED`);
  const final = await waitFor(
    `${body.transaction_id} to end PROCESSED or FAILED`,
    () => getJson<{ status: string }>(api.url, `/v1/transactions/${body.transaction_id}`),
    (res) => res.status === 200 && ['PROCESSED', 'FAILED'].includes(res.body.status),
    PROCESSED_DEADLINE_MS,
  );
  if (final.body.status !== 'PROCESSED') throw new Error(`the transaction ended ${JSON.stringify(final.body)}`);

  // The console ships in dist/ too, and the built API finds it there.
  for (const [path, type] of [
    ['/console', 'text/html'],
    ['/console/main.js', 'text/javascript'],
  ]) {
    const res = await fetch(`${api.url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    if (res.status !== 200 || !res.headers.get('content-type')?.startsWith(type)) {
      throw new Error(`GET ${path} answered ${res.status} ${res.headers.get('content-type')}: is the console built into dist/console?`);
    }
  }
  say('GET /console and its script served from dist/console');

  say('SIGTERM to both');
  const exits = await Promise.all(started.map(async (p) => ({ role: p.role, exit: await p.terminate(STOP_DEADLINE_MS), p })));
  const unclean = exits.filter(({ exit }) => exit.code !== 0 || exit.signal !== null);
  if (unclean.length > 0) {
    throw new Error(unclean.map(({ role, exit, p }) => `${role} exited ${JSON.stringify(exit)}:\n${p.process.logTail()}`).join('\n'));
  }
}

async function cleanUp(): Promise<void> {
  await Promise.all(started.map((p) => p.kill()));
  await dropDatabase(database).catch((error: Error) => say(`could not drop ${database}: ${error.message}`));
  await deleteKeysStartingWith(queuePrefix).catch((error: Error) => say(`could not delete ${queuePrefix}* keys: ${error.message}`));
  await releaseAll();
}

const begun = Date.now();
void smoke()
  .then(
    () => ({ ok: true, line: 'dist/ migrated, API and worker took a webhook to PROCESSED, the console served, both exited 0 on SIGTERM' }),
    (error: Error) => {
      for (const p of started) if (p.running) say(`${p.role} log tail:\n${p.process.logTail()}`);
      return { ok: false, line: error.message };
    },
  )
  .then(async ({ ok, line }) => {
    await cleanUp().catch((error: Error) => say(`clean-up failed: ${error.message}`));
    const seconds = ((Date.now() - begun) / 1000).toFixed(1);
    process.stdout.write(`SMOKE ${ok ? 'PASS' : 'FAIL'} (${seconds} s): ${line}\n`);
    process.exit(ok ? 0 : 1);
  });
