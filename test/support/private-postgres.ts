import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { postgresBinaries } from './postgres-binaries';
import { ManagedProcess } from './processes/managed-process';
import { waitFor } from './wait-for';

/** initdb and postgres refuse to run as root: run them as the postgres user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/**
 * A PostgreSQL server of the test's own, in a temporary folder, that the test can stop and
 * start again (its data survives, as a restarted or failed-over primary's would).
 */
export class PrivatePostgres {
  private process?: ManagedProcess;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly folder: string,
    private readonly bin: string,
    private readonly user: { uid?: number; gid?: number },
  ) {}

  static async start(folder: string): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    const user = runAs();
    if (user.uid !== undefined) chownSync(folder, user.uid, user.gid ?? user.uid);
    execFileSync(join(bin, 'initdb'), ['-D', join(folder, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...user,
      stdio: 'ignore',
    });
    const server = new PrivatePostgres(await freePort(), folder, bin, user);
    await server.restart();
    return server;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async restart(): Promise<void> {
    if (this.process?.running) throw new Error('PostgreSQL is already running');
    this.process = new ManagedProcess(
      'postgres',
      join(this.bin, 'postgres'),
      [
        '-D',
        join(this.folder, 'data'),
        '-p',
        String(this.port),
        '-k',
        this.folder,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'max_connections=200',
        // Durability is not under test here (the OS never crashes): keep it fast.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      join(this.folder, `postgres-${++this.starts}.log`),
      { ...this.user },
    );
    const proc = this.process;
    await waitFor(
      'PostgreSQL to accept connections',
      async () => {
        if (!proc.running) return false;
        const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
        try {
          await client.connect();
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      (up) => up || !proc.running,
      30_000,
      100,
    );
    if (!proc.running) throw new Error(`postgres exited: ${proc.logTail()}`);
  }

  /** Fast shutdown (pg_ctl stop -m fast): sessions are cut, nothing committed is lost. */
  async stop(): Promise<void> {
    await this.process?.kill('SIGINT');
  }

  /**
   * Freezes the server and every session (SIGSTOP): connections are accepted by the kernel but
   * nothing answers, like a host that hangs or a network that drops packets.
   */
  freeze(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGCONT');
  }

  private pids(): number[] {
    const postmaster = this.process?.pid;
    if (!postmaster || !this.process?.running) return [];
    let children: number[] = [];
    try {
      children = execFileSync('pgrep', ['-P', String(postmaster)])
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      // pgrep exits 1 when there are no children
    }
    return [postmaster, ...children];
  }

  /** SIGKILL for whatever is left: the end of the test. */
  async destroy(): Promise<void> {
    this.thaw();
    await this.process?.kill('SIGQUIT');
  }
}
