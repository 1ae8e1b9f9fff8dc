import type { DataSourceOptions } from 'typeorm';
import type { AppRole } from '@app/config';
import { MIGRATIONS } from './migrations';
import { parsePostgresUrl } from './postgres-url';

export interface PoolSettings {
  /** Connections this process may open. */
  max: number;
  /** How long a query waits for a free connection before failing as "PostgreSQL unavailable". */
  acquireTimeoutMs?: number;
  /** Client-side bound on one statement; 0 means none. */
  queryTimeoutMs?: number;
}

/** Intake answers 503 within 5 s when PostgreSQL is gone, so a request waits 2 s at most for a connection. */
const SERVING_POOL: PoolSettings = { max: 20, acquireTimeoutMs: 2000 };

/**
 * A worker releasing a backlog starts up to WORKER_CONCURRENCY jobs at once, each wanting a
 * connection; with a 2 s wait the tail of a 10,000-job burst failed as if PostgreSQL were down
 * (bench: 5,835 of 10,000), and jobs finishing together would redo their external call. Waiting
 * longer costs nothing there: a dead PostgreSQL still fails at once (connection refused).
 */
const WORKER_POOL: PoolSettings = { max: 20, acquireTimeoutMs: 30_000 };

/**
 * Migrations wait for another replica's advisory lock and may build indexes on large tables:
 * no statement bound, or a replica booting behind a slow migration would fail its own boot.
 */
export const MIGRATION_POOL: PoolSettings = { max: 2, acquireTimeoutMs: 10_000, queryTimeoutMs: 0 };

/** `all` serves intake too, so it keeps intake's bound. */
export function poolSettingsFor(role: AppRole): PoolSettings {
  return role === 'worker' ? WORKER_POOL : SERVING_POOL;
}

/** Shared by the application and the migration CLI so both talk to the database the same way. */
export function buildDataSourceOptions(databaseUrl: string, pool: PoolSettings = SERVING_POOL): DataSourceOptions {
  const target = parsePostgresUrl(databaseUrl);
  return {
    type: 'postgres',
    url: target.url,
    ssl: target.ssl,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: pool.max,
      connectionTimeoutMillis: pool.acquireTimeoutMs ?? SERVING_POOL.acquireTimeoutMs,
      query_timeout: (pool.queryTimeoutMs ?? 4000) || undefined,
      keepAlive: true,
      application_name: 'paycheck',
    },
  };
}
