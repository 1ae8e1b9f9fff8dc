import { ChildProcess, SpawnOptions, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { trackChild } from './resources';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file, and whose exit can be awaited. */
export class ManagedProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile: string,
    options: SpawnOptions = {},
  ) {
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(this.child);
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }) as Exit);
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

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
