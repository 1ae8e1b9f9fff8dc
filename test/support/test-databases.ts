import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
// Relative imports: Jest's global setup does not apply the @app/* module mapping.
import { withDatabase } from '../../libs/database/src/postgres-url';

/** The server tests use; never the developer's own `paycheck` database. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const TEMPLATE_ENV = 'PAYCHECK_TEST_TEMPLATE_DB';
export const RUN_PREFIX = 'paycheck_test_';

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(TEST_SERVER_URL, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<string> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run through the jest config (global setup)`);
  const name = `${template}_${uniqueSuffix()}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return withDatabase(TEST_SERVER_URL, name);
}

export async function dropDatabasesStartingWith(prefix: string): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [prefix],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}

/** A URL naming a database that does not exist yet (the app must create it); dropped with the run. */
export function missingDatabaseUrl(): string {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run through the jest config (global setup)`);
  return withDatabase(TEST_SERVER_URL, `${template}_new_${uniqueSuffix()}`);
}
