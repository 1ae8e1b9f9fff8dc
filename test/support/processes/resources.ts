import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything a test or a benchmark starts: child processes and temporary folders. Removed by
 * releaseAll (afterAll), and again, synchronously, when this process exits for any reason, so
 * a failing or interrupted run leaves no Redis, PostgreSQL or Paycheck process behind.
 */
const children = new Set<ChildProcess>();
const folders = new Set<string>();

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function makeTempFolder(label: string): string {
  const folder = mkdtempSync(join(tmpdir(), `paycheck-faults-${label}-`));
  folders.add(folder);
  return folder;
}

/** Keep logs and data for a post-mortem: FAULTS_KEEP_TEMP=1. */
const keep = process.env.FAULTS_KEEP_TEMP === '1';

/** SIGKILL to every child still running, and the temporary folders removed; synchronous. */
export function killAllNow(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (!keep) {
    for (const folder of folders) {
      try {
        // Retries: a server that was just killed may still be removing its socket or pid file.
        rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch (error) {
        process.stderr.write(`could not remove ${folder}: ${(error as Error).message}\n`);
      }
    }
  }
  folders.clear();
}

export async function releaseAll(): Promise<void> {
  const exits = [...children].map(
    (child) =>
      new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve))),
  );
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(exits);
  killAllNow();
}

process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });
}
