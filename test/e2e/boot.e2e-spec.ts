import { type Server, createServer } from 'node:net';
import { DATABASE_CONNECT_DEADLINE_MS } from '@app/database';
import { freePort } from '../support/free-port';
import { BOOT_TIMEOUT_MS, PaycheckProcess } from '../support/processes/paycheck-process';
import { FAST_ENV, testQueuePrefix } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

/** Loading the TypeScript sources through ts-node on a loaded 2-core machine, on top of any deadline. */
const BOOT_ALLOWANCE_MS = 45_000;
const PASSWORD = 'pw-never-printed-5f1c9e';

type Exit = { code: number | null; stdout: string; stderr: string; elapsedMs: number };
type LogLine = Record<string, unknown> & { level: string; msg: string };

async function bootToExit(env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  const server = await PaycheckProcess.launch(
    { ...FAST_ENV, APP_ROLE: 'all', QUEUE_PREFIX: testQueuePrefix(), LOG_LEVEL: 'info', ...env },
    { waitUntilLive: false },
  );
  const { code } = await server.process.exitWithin(BOOT_TIMEOUT_MS);
  return { code, stdout: server.process.stdout(), stderr: server.process.stderr(), elapsedMs: Date.now() - started };
}

function linesOf(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine);
}

/** Exit 1 after exactly one fatal line, nothing claiming to have started, no password anywhere. */
function expectOneFatalLine(exit: Exit): LogLine {
  expect(exit.code).toBe(1);
  const lines = linesOf(exit.stdout);
  const fatal = lines.filter((line) => line.level === 'fatal');
  expect(fatal).toHaveLength(1);
  expect(lines.filter((line) => /\bstarted\b|listening/i.test(line.msg))).toEqual([]);
  expect(exit.stdout + exit.stderr).not.toContain(PASSWORD);
  return fatal[0];
}

describe('a boot that cannot reach what it needs ends in one fatal line and exit 1', () => {
  let refusedPort: number;
  let blocker: Server;
  let busyPort: number;
  let refused: Exit;
  let unresolvable: Exit;
  let portInUse: Exit;

  beforeAll(
    async () => {
      refusedPort = await freePort(); // nothing listens there
      busyPort = await freePort();
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(busyPort, resolve));
      // The three boots at once: each waits on its own deadline.
      [refused, unresolvable, portInUse] = await Promise.all([
        bootToExit({ DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${refusedPort}/paycheck` }),
        // .invalid never resolves (RFC 6761).
        bootToExit({ DATABASE_URL: `postgres://postgres:${PASSWORD}@db.paycheck.invalid:5432/paycheck` }),
        createTestDatabase().then((url) =>
          bootToExit({ DATABASE_URL: url, PORT: String(busyPort), REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:6379` }),
        ),
      ]);
    },
    3 * (DATABASE_CONNECT_DEADLINE_MS + BOOT_ALLOWANCE_MS),
  );

  afterAll(async () => {
    await new Promise((resolve) => blocker?.close(resolve));
  });

  it('names DATABASE_URL with host and port when nothing listens there, after retrying until its deadline', () => {
    const fatal = expectOneFatalLine(refused);
    expect(fatal).toMatchObject({
      variable: 'DATABASE_URL',
      host: '127.0.0.1',
      port: refusedPort,
      deadline_ms: DATABASE_CONNECT_DEADLINE_MS,
    });
    expect(fatal.msg).toContain(`127.0.0.1:${refusedPort} (DATABASE_URL)`);
    expect(fatal.msg).toMatch(/ECONNREFUSED/);
    expect(refused.elapsedMs).toBeGreaterThanOrEqual(DATABASE_CONNECT_DEADLINE_MS);
    expect(refused.elapsedMs).toBeLessThan(DATABASE_CONNECT_DEADLINE_MS + BOOT_ALLOWANCE_MS);
  });

  it('names DATABASE_URL with host and port when the host does not resolve', () => {
    const fatal = expectOneFatalLine(unresolvable);
    expect(fatal).toMatchObject({ variable: 'DATABASE_URL', host: 'db.paycheck.invalid', port: 5432 });
    expect(fatal.msg).toContain('db.paycheck.invalid:5432 (DATABASE_URL)');
    expect(unresolvable.elapsedMs).toBeLessThan(DATABASE_CONNECT_DEADLINE_MS + BOOT_ALLOWANCE_MS);
  });

  it('names PORT and the port when the port is in use, and never claims to have started', () => {
    const fatal = expectOneFatalLine(portInUse);
    expect(fatal).toMatchObject({ variable: 'PORT', port: busyPort });
    expect(fatal.msg).toContain(`port ${busyPort} (PORT)`);
    expect(fatal.msg).toMatch(/EADDRINUSE/);
    expect(portInUse.elapsedMs).toBeLessThan(BOOT_ALLOWANCE_MS);
  });
});
