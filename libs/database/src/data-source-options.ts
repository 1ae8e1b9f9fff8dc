import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { parsePostgresUrl } from './postgres-url';

export interface PoolSettings {
  /** Connections this process may open. */
  max: number;
}

/** Shared by the application and the migration CLI so both talk to the database the same way. */
export function buildDataSourceOptions(databaseUrl: string, pool: PoolSettings = { max: 20 }): DataSourceOptions {
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
      // Fail fast when PostgreSQL is gone, so intake can answer 503 within 5 s.
      connectionTimeoutMillis: 2000,
      query_timeout: 4000,
      keepAlive: true,
      application_name: 'paycheck',
    },
  };
}
