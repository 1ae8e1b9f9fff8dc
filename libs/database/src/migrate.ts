import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { ensureDatabaseExists } from './ensure-database';
import { migrateDatabase } from './run-migrations';

/*
 * `npm run migrate`: applies pending migrations and exits 0, or exits 1 saying why. For
 * platforms that run a pre-deploy step (Render) while the services boot with
 * DB_MIGRATIONS_RUN=false. Same options and the same advisory lock as the migration at boot,
 * so it is safe to run while replicas of the previous release are up or booting.
 */

function log(level: 'info' | 'fatal', msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), context: 'Migrate', msg, ...extra })}\n`);
}

async function migrate(): Promise<string[]> {
  const config = loadConfig(process.env);
  await ensureDatabaseExists(config.databaseUrl);
  return migrateDatabase(config.databaseUrl);
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
