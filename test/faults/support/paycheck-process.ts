import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManagedProcess, Exit } from './managed-process';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const REPO = resolve(__dirname, '../../..');

/** Short enough for a quick suite, long enough that jobs are visibly in flight. */
export const FAULT_ENV: Readonly<Record<string, string>> = {
  PROCESSING_DELAY_MS: '300',
  PROCESSING_BACKOFF_MS: '100',
  RECONCILE_INTERVAL_MS: '1000',
  LOG_LEVEL: 'info',
};

export type Role = 'api' | 'worker' | 'all';

/** The production entry point; a scenario may boot another that composes the app differently. */
export const MAIN_ENTRY = 'apps/server/src/main.ts';

/**
 * One real Paycheck process, run from the TypeScript sources exactly as `main.ts` boots in
 * production (transpile-only: type-checking is the unit suite's job, and it keeps boots fast).
 */
export class PaycheckProcess {
  private constructor(
    readonly role: Role,
    readonly port: number,
    readonly process: ManagedProcess,
  ) {}

  static async start(role: Role, env: Record<string, string>, folder: string, label: string = role, entry = MAIN_ENTRY): Promise<PaycheckProcess> {
    const port = await freePort();
    const proc = new ManagedProcess(
      label,
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry],
      join(folder, `${label}-${port}.log`),
      {
        cwd: REPO,
        env: { ...process.env, NODE_ENV: 'production', ...FAULT_ENV, ...env, APP_ROLE: role, PORT: String(port), TS_NODE_PROJECT: join(REPO, 'tsconfig.json') },
      },
    );
    const paycheck = new PaycheckProcess(role, port, proc);
    await waitFor(`${label} to serve /health/live`, async () => {
      if (!proc.running) throw new Error(`${label} exited during boot:\n${proc.logTail()}`);
      const res = await fetch(`${paycheck.url}/health/live`, { signal: AbortSignal.timeout(1000) });
      return res.status;
    }, (status) => status === 200, 60_000, 100);
    return paycheck;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** The process's JSON log lines so far (stdout and stderr), parsed; other lines are skipped. */
  logLines(): Array<Record<string, unknown>> {
    let text = '';
    try {
      text = readFileSync(this.process.logFile, 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** SIGTERM and the exit that follows (a clean stop is code 0). */
  terminate(): Promise<Exit> {
    return this.process.kill('SIGTERM');
  }

  kill(): Promise<Exit> {
    return this.process.kill('SIGKILL');
  }

  async status(path: string): Promise<number> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  }
}
