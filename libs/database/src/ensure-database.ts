import { Client } from 'pg';
import { parsePostgresUrl, withDatabase } from './postgres-url';

/** One connection attempt's bound, unless the caller has less time left. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Creates the configured database when it does not exist yet (a fresh machine, a CI run).
 * A role without CREATEDB fails here with permission denied (42501), naming the missing database.
 */
export async function ensureDatabaseExists(databaseUrl: string, connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const probe = new Client({ connectionString: target.url, ssl: target.ssl, connectionTimeoutMillis: connectTimeoutMs });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: invalid_catalog_name
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new Client({
    connectionString: withDatabase(target.url, 'postgres'),
    ssl: target.ssl,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  await admin.connect();
  try {
    const quoted = `"${target.database.replace(/"/g, '""')}"`;
    await admin.query(`CREATE DATABASE ${quoted}`);
  } catch (error) {
    // Another replica created it first: 42P04 if it had committed, 23505 (pg_database's unique
    // name index) if both CREATE DATABASE statements ran at once.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
}
