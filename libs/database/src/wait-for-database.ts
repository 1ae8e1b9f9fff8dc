import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseUnreachableError } from './database-unreachable.error';
import { ensureDatabaseExists } from './ensure-database';

/**
 * How long a booting process keeps trying to reach PostgreSQL. Long enough to ride out a
 * database that is itself still starting (a compose stack, a failover); short enough that a
 * wrong DATABASE_URL stops the process with a clear message instead of a crash loop of hangs.
 */
export const DATABASE_CONNECT_DEADLINE_MS = 10_000;
const RETRY_PAUSE_MS = 500;
/** One attempt's bound: a host that drops packets must leave time for another try. */
const ATTEMPT_TIMEOUT_MS = 5000;
/** SQLSTATEs that mean "not yet" rather than "never": the server is starting, or full of connections. */
const TRANSIENT_SQLSTATES = new Set(['57P03', '53300']);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // No SQLSTATE: a network failure (refused, unresolvable, timed out, reset).
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || TRANSIENT_SQLSTATES.has(code);
}

function target(databaseUrl: string): { host: string; port: number } {
  const url = new URL(databaseUrl);
  return { host: url.hostname, port: Number(url.port || 5432) };
}

/**
 * Connects once (creating the database when it is missing), retrying network failures until
 * `deadlineMs` has passed. Fails with DatabaseUnreachableError, which names DATABASE_URL's host
 * and port but never its password.
 */
export async function waitForDatabase(databaseUrl: string, deadlineMs = DATABASE_CONNECT_DEADLINE_MS): Promise<void> {
  const { host, port } = target(databaseUrl);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      await ensureDatabaseExists(databaseUrl, Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, remaining)));
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!isTransient(error)) throw new DatabaseUnreachableError(host, port, message);
      if (deadline - Date.now() <= RETRY_PAUSE_MS) throw new DatabaseUnreachableError(host, port, message, deadlineMs);
    }
    await sleep(RETRY_PAUSE_MS);
  }
}
