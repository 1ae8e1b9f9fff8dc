import type { DataSource } from 'typeorm';
import { releaseQueryRunner } from './typeorm-internals';

/**
 * Runs `work` only if this session wins the advisory lock `key`; otherwise returns undefined
 * at once. Used so that several worker replicas never run the same periodic job together.
 * If the lock or unlock statement fails (a hung PostgreSQL hits the client-side timeout), the
 * session may still hold the lock: its connection is destroyed rather than pooled, which
 * releases the lock instead of keeping it on an idle pooled connection.
 */
export async function withTryAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  let broken: Error | undefined;
  try {
    const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]).catch((error: Error) => {
      broken = error;
      throw error;
    })) as Array<{ locked: boolean }>;
    if (!rows[0]?.locked) return undefined;
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch((error: Error) => (broken = error));
    }
  } finally {
    await releaseQueryRunner(runner, broken);
  }
}
