import { ensureDatabaseExists } from '../../libs/database/src/ensure-database';
import { withDatabase } from '../../libs/database/src/postgres-url';
import { migrateDatabase } from '../../libs/database/src/run-migrations';
import { RUN_PREFIX, TEMPLATE_ENV, TEST_SERVER_URL, withAdmin } from './test-databases';
import { uniqueSuffix } from './unique-names';

/** Migrates one template database per run; test files clone it (see createTestDatabase). */
export default async function globalSetup(): Promise<void> {
  const template = `${RUN_PREFIX}${uniqueSuffix()}`;
  const url = withDatabase(TEST_SERVER_URL, template);
  await ensureDatabaseExists(url);
  await migrateDatabase(url);
  // A template must have no connections while it is cloned.
  await withAdmin((admin) => admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [template]));
  process.env[TEMPLATE_ENV] = template;
}
