import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@app/config';
import { buildDataSourceOptions } from './data-source-options';
import { ensureDatabaseExists } from './ensure-database';
import { runMigrationsUnderLock } from './run-migrations';

/*
 * `npm run migrate`: applies pending migrations and exits 0, or exits 1 saying why. For
 * platforms that run a pre-deploy step (Render) while the services boot with
 * DB_MIGRATIONS_RUN=false. Same options and the same advisory lock as the migration at boot,
 * so it is safe to run while replicas of the previous release are up or booting.
 */

function log(level: 'info' | 'fatal', message: string, extra: Record<string, unknown> = {}): void {
  const stream = level === 'fatal' ? process.stderr : process.stdout;
  stream.write(`${JSON.stringify({ level, context: 'Migrate', message, ...extra })}\n`);
}

async function migrate(): Promise<string[]> {
  const config = loadConfig(process.env);
  await ensureDatabaseExists(config.databaseUrl);
  const dataSource = new DataSource(buildDataSourceOptions(config.databaseUrl, { max: 2 }));
  await dataSource.initialize();
  try {
    return await runMigrationsUnderLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

migrate().then(
  (applied) => {
    log('info', applied.length > 0 ? `Applied migrations: ${applied.join(', ')}` : 'No pending migrations', { applied });
    process.exit(0);
  },
  (error: unknown) => {
    const variable = error instanceof ConfigError ? { variable: error.variable } : {};
    log('fatal', `Migration failed: ${error instanceof Error ? error.message : String(error)}`, variable);
    process.exit(1);
  },
);
