import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './processes/managed-process';
import { waitFor } from './wait-for';

/** Answers true when something on `port` replies +PONG to PING. */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * redis-server in the foreground on 127.0.0.1:`port`, keeping nothing on disk (`folder` is its
 * working directory only) and refusing writes rather than evicting keys when full. `extra` adds
 * options, such as cluster mode.
 */
export function ephemeralRedisArgs(port: number, folder: string, extra: string[] = []): string[] {
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', ...extra],
    ...['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', folder, '--maxmemory-policy', 'noeviction'],
  ];
}

/**
 * A Redis of the test's own, without persistence: stopping it loses every key, which is the
 * worst Redis can do to us (production runs with AOF, see docs/guarantees.md).
 */
export class PrivateRedis {
  private process?: ManagedProcess;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly folder: string,
  ) {}

  static async start(folder: string): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), folder);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again, empty) on the same port. */
  async restart(): Promise<void> {
    if (this.process?.running) throw new Error('Redis is already running');
    const log = join(this.folder, `redis-${++this.starts}.log`);
    this.process = new ManagedProcess('redis', 'redis-server', ephemeralRedisArgs(this.port, this.folder), log);
    const proc = this.process;
    await waitFor(
      'Redis to answer',
      async () => proc.running && (await redisAnswers(this.port)),
      (up) => up || !proc.running,
      20_000,
      50,
    );
    if (!proc.running) throw new Error(`redis-server exited: ${proc.logTail()}`);
  }

  /**
   * SIGSTOP: connections stay open and the kernel still accepts bytes, but nothing answers, as
   * with a partition from a managed Redis. thaw() (SIGCONT) lets it carry on where it stopped.
   */
  freeze(): void {
    this.process?.signal('SIGSTOP');
  }

  thaw(): void {
    this.process?.signal('SIGCONT');
  }

  /** SIGKILL: as abrupt as a crash or a lost host. */
  async stop(): Promise<void> {
    await this.process?.kill('SIGKILL');
  }
}
