import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { trackChild } from './resources';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How long a stop waits after SIGTERM before SIGKILL: a stop may finish jobs in hand; beyond this it is hung. */
export const STOP_DEADLINE_MS = 60_000;
/** In-memory output keeps this much of each stream (the tail). */
const MEMORY_LIMIT_CHARS = 4_000_000;

/**
 * A child process that is tracked (killed when the run ends, however it ends) and whose exit can
 * be awaited. With a `logFile` the child writes stdout and stderr straight into it (no pipe
 * through this process, which may be busy generating load); without one, both are kept in memory.
 */
export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private out = '';
  private err = '';
  private all = '';

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile?: string,
    options: SpawnOptions = {},
  ) {
    const fd = logFile ? openSync(logFile, 'a') : undefined;
    try {
      this.child = spawn(command, args, { ...options, stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd] });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    trackChild(this.child);
    this.child.stdout?.on('data', (chunk: Buffer) => (this.out = this.keep(this.out, chunk)));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.err = this.keep(this.err, chunk)));
    // 'close' comes after the output is read to the end, so output() is complete once this resolves.
    this.exited = once(this.child, 'close').then(([code, signal]) => ({ code, signal }));
  }

  private keep(stream: string, chunk: Buffer): string {
    const text = chunk.toString('utf8');
    this.all = (this.all + text).slice(-MEMORY_LIMIT_CHARS);
    return (stream + text).slice(-MEMORY_LIMIT_CHARS);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    this.signal(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `deadlineMs` (the exit then shows signal SIGKILL). */
  terminate(deadlineMs = STOP_DEADLINE_MS): Promise<Exit> {
    this.signal('SIGTERM');
    return this.exitWithin(deadlineMs);
  }

  /** The exit it makes on its own (a boot meant to fail, a signal already sent); SIGKILL after `deadlineMs`. */
  async exitWithin(deadlineMs = STOP_DEADLINE_MS): Promise<Exit> {
    const timer = setTimeout(() => this.signal('SIGKILL'), deadlineMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** stdout and stderr as written so far, interleaved (the log file's content when there is one). */
  output(): string {
    if (!this.logFile) return this.all;
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** stdout alone (in-memory processes; with a log file, the whole file). */
  stdout(): string {
    return this.logFile ? this.output() : this.out;
  }

  stderr(): string {
    return this.logFile ? '' : this.err;
  }

  logTail(lines = 30): string {
    const text = this.output().trimEnd();
    return text === '' ? '(no output)' : text.split('\n').slice(-lines).join('\n');
  }
}
