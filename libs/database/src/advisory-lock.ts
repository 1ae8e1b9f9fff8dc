import type { DataSource } from 'typeorm';

/**
 * Runs `work` only if this session wins the advisory lock `key`; otherwise returns undefined
 * at once. Used so that several worker replicas never run the same periodic job together.
 */
export async function withTryAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T | undefined> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (!locked) return undefined;
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
