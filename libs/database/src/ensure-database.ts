import { Client } from 'pg';
import { parsePostgresUrl, withDatabase } from './postgres-url';

/**
 * Creates the configured database when it does not exist yet (a fresh machine, a CI run).
 * Roles without CREATEDB simply get the original connection error later.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  const probe = new Client({ connectionString: target.url, ssl: target.ssl, connectionTimeoutMillis: 5000 });
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
    connectionTimeoutMillis: 5000,
  });
  await admin.connect();
  try {
    const quoted = `"${target.database.replace(/"/g, '""')}"`;
    await admin.query(`CREATE DATABASE ${quoted}`);
  } catch (error) {
    // 42P04: another replica created it first.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}
