import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../libs/database/src/data-source-options';
// Relative imports: Jest's global setup does not apply the @app/* module mapping.
import { withDatabase } from '../../libs/database/src/postgres-url';
import { uniqueSuffix } from './unique-names';

/**
 * The PostgreSQL server every test suite, the smoke run and the benchmark create their
 * databases on (through its `postgres` maintenance database); never the developer's own
 * `paycheck` database. One variable for all of them.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const TEMPLATE_ENV = 'PAYCHECK_TEST_TEMPLATE_DB';
export const RUN_PREFIX = 'paycheck_test_';
/** Deadline for reaching the server's maintenance database. */
const ADMIN_CONNECT_TIMEOUT_MS = 10_000;

/** Runs `work` on the maintenance database of `serverUrl` (the test server by default). */
export async function withAdmin<T>(work: (client: Client) => Promise<T>, serverUrl: string = TEST_SERVER_URL): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres'), connectionTimeoutMillis: ADMIN_CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The URL of `database` on the test server (or on `serverUrl`). */
export function testDatabaseUrl(database: string, serverUrl: string = TEST_SERVER_URL): string {
  return withDatabase(serverUrl, database);
}

/** An empty database (no migrations applied); the caller drops it with dropDatabase. */
export async function createEmptyDatabase(database: string, serverUrl: string = TEST_SERVER_URL): Promise<string> {
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${database}"`), serverUrl);
  return testDatabaseUrl(database, serverUrl);
}

export async function dropDatabase(database: string, serverUrl: string = TEST_SERVER_URL): Promise<void> {
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`), serverUrl);
}

/** A fresh database cloned from the migrated template: each test file gets its own. */
export async function createTestDatabase(): Promise<string> {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run through the jest config (global setup)`);
  const name = `${template}_${uniqueSuffix()}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return testDatabaseUrl(name);
}

export async function dropDatabasesStartingWith(prefix: string): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}

/** A URL naming a database that does not exist yet (the app must create it); dropped with the run. */
export function missingDatabaseUrl(): string {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run through the jest config (global setup)`);
  return testDatabaseUrl(`${template}_new_${uniqueSuffix()}`);
}

/** An initialised TypeORM DataSource on a fresh cloned database, for specs below the application. */
export async function openTestDataSource(max = 4): Promise<DataSource> {
  const dataSource = new DataSource(buildDataSourceOptions(await createTestDatabase(), { max }));
  return dataSource.initialize();
}
