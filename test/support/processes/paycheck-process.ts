import { join, resolve } from 'node:path';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { type Exit, ManagedProcess, STOP_DEADLINE_MS } from './managed-process';

export const REPO_ROOT = resolve(__dirname, '../../..');
/** What `npm run start:prod` runs (after `npm run build`). */
export const DIST_MAIN = join(REPO_ROOT, 'dist/apps/server/apps/server/src/main.js');
/** Booting through ts-node takes a few seconds, far more on a busy 2-core machine. */
export const BOOT_TIMEOUT_MS = 90_000;

/** Short enough for a quick suite, long enough that jobs are visibly in flight. */
export const FAULT_ENV: Readonly<Record<string, string>> = {
  PROCESSING_DELAY_MS: '300',
  PROCESSING_BACKOFF_MS: '100',
  RECONCILE_INTERVAL_MS: '1000',
  LOG_LEVEL: 'info',
};

export type Role = 'api' | 'worker' | 'all';

/** How to run the service: node arguments (after any node flags) and the environment they need. */
export interface PaycheckEntry {
  args: string[];
  env?: Record<string, string>;
}

/** A TypeScript entry script (relative to the repository) through ts-node, transpile-only: type-checking is `npm run typecheck`'s job, and boots stay fast. */
export function sourceEntry(script: string): PaycheckEntry {
  return {
    args: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(REPO_ROOT, script)],
    env: { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
  };
}

/** apps/server/src/main.ts, as production boots it, from the sources. */
export const SOURCE_ENTRY: PaycheckEntry = sourceEntry('apps/server/src/main.ts');

/** A compiled main.js (the shipped artifact by default), with modules to preload (`node -r`). */
export function builtEntry(main: string = DIST_MAIN, preload: string[] = []): PaycheckEntry {
  return { args: [...preload.flatMap((module) => ['-r', module]), main] };
}

export interface LaunchOptions {
  /** Names the process in errors and its log file. */
  label?: string;
  /** Folder for the log file `<label>-<port>.log`; without one the output is kept in memory. */
  folder?: string;
  entry?: PaycheckEntry;
  /** Node flags before the entry (--cpu-prof, --max-old-space-size=…). */
  nodeFlags?: string[];
  /** Resolve once /health/live answers 200 (default), or at once (a boot meant to fail). */
  waitUntilLive?: boolean;
}

/**
 * One real Paycheck process (main.ts, as production boots it) on its own port, with an environment
 * of exactly PATH plus what the caller gives, so nothing leaks in from the shell that runs the tests.
 * The e2e suite, the fault suite, the smoke run and the benchmark all start the service through here.
 */
export class PaycheckProcess {
  private constructor(
    readonly role: string,
    readonly port: number,
    readonly process: ManagedProcess,
  ) {}

  /** The fault suite's form: production mode, FAULT_ENV under `env`, the log in `folder`, live before it resolves. */
  static start(role: Role, env: Record<string, string>, folder: string, label: string = role, entry?: string): Promise<PaycheckProcess> {
    return PaycheckProcess.launch(
      { NODE_ENV: 'production', ...FAULT_ENV, ...env, APP_ROLE: role },
      { folder, label, entry: entry ? sourceEntry(entry) : undefined },
    );
  }

  /** Starts the service with `env` (PORT: a free one unless given). */
  static async launch(env: Record<string, string>, options: LaunchOptions = {}): Promise<PaycheckProcess> {
    const entry = options.entry ?? SOURCE_ENTRY;
    const port = env.PORT ?? String(await freePort());
    const role = env.APP_ROLE ?? 'all';
    const label = options.label ?? role;
    const proc = new ManagedProcess(
      label,
      process.execPath,
      [...(options.nodeFlags ?? []), ...entry.args],
      options.folder ? join(options.folder, `${label}-${port}.log`) : undefined,
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...entry.env, ...env, PORT: port } },
    );
    const paycheck = new PaycheckProcess(role, Number(port), proc);
    if (options.waitUntilLive ?? true) await paycheck.untilLive(label);
    return paycheck;
  }

  private async untilLive(label: string): Promise<void> {
    const exited = -1;
    let status: number;
    try {
      status = await waitFor(
        `${label} to serve /health/live`,
        () => (this.running ? this.status('/health/live', 1000) : Promise.resolve(exited)),
        (answer) => answer === 200 || answer === exited,
        BOOT_TIMEOUT_MS,
        100,
      );
    } catch (error) {
      await this.kill();
      throw new Error(`${(error as Error).message}\n${this.process.logTail()}`, { cause: error });
    }
    if (status === exited)
      throw new Error(`${label} exited during boot (${JSON.stringify(await this.process.exited)}):\n${this.process.logTail()}`);
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

  get logFile(): string | undefined {
    return this.process.logFile;
  }

  /** The process's JSON log lines so far (stdout and stderr), parsed; other lines are skipped. */
  logLines(): Array<Record<string, unknown>> {
    return this.process
      .output()
      .split('\n')
      .flatMap((line): Array<Record<string, unknown>> => {
        try {
          const parsed: unknown = JSON.parse(line);
          return parsed !== null && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
  }

  /** SIGTERM and the exit that follows (a clean stop is code 0); SIGKILL after `deadlineMs`. */
  terminate(deadlineMs = STOP_DEADLINE_MS): Promise<Exit> {
    return this.process.terminate(deadlineMs);
  }

  kill(): Promise<Exit> {
    return this.process.kill('SIGKILL');
  }

  async status(path: string, timeoutMs = 5000): Promise<number> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  }
}
