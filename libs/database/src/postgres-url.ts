/** Accepted by both pg and TypeORM's TLS option types. */
export interface PostgresTls {
  rejectUnauthorized: boolean;
}

export interface PostgresTarget {
  /** The URL without `sslmode`, which would otherwise override the explicit TLS options. */
  url: string;
  database: string;
  ssl: false | PostgresTls;
}

/**
 * libpq semantics for `sslmode`: `require` encrypts without verifying the certificate (what
 * Supabase's pooler documents), `verify-ca`/`verify-full` also verify it.
 */
export function parsePostgresUrl(raw: string): PostgresTarget {
  const url = new URL(raw);
  const mode = url.searchParams.get('sslmode') ?? (url.searchParams.get('ssl') === 'true' ? 'require' : 'disable');
  url.searchParams.delete('sslmode');
  url.searchParams.delete('ssl');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  let ssl: false | PostgresTls = false;
  if (mode === 'require' || mode === 'prefer' || mode === 'no-verify') ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca' || mode === 'verify-full') ssl = { rejectUnauthorized: true };
  return { url: url.toString(), database, ssl };
}

/** The same server, another database (the maintenance database used to create ours). */
export function withDatabase(raw: string, database: string): string {
  const url = new URL(raw);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
