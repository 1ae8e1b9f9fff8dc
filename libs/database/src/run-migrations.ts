import { DataSource } from 'typeorm';
import { MIGRATION_POOL, buildDataSourceOptions } from './data-source-options';

/** Arbitrary, fixed: every replica must contend for the same advisory lock. */
const MIGRATION_LOCK_KEY = 7_315_220_041;

/**
 * Runs pending migrations while holding a session-level advisory lock, so replicas booting
 * together apply each migration once; the others wait, then find nothing pending.
 */
export async function runMigrationsUnderLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Migrates the database at `databaseUrl` on a short-lived connection of its own (boot and CLI). */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource(buildDataSourceOptions(databaseUrl, MIGRATION_POOL));
  await dataSource.initialize();
  try {
    return await runMigrationsUnderLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
