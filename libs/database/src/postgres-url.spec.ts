import { parsePostgresUrl, withDatabase } from './postgres-url';

// pg's own resolution of a connection string plus options (not in @types/pg): what the pool will use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ConnectionParameters = require('pg/lib/connection-parameters') as new (config: object) => { ssl: unknown; database: string };

describe('parsePostgresUrl', () => {
  it('uses no TLS for a local URL without sslmode', () => {
    expect(parsePostgresUrl('postgres://postgres:postgres@127.0.0.1:5432/paycheck')).toEqual({
      url: 'postgres://postgres:postgres@127.0.0.1:5432/paycheck',
      database: 'paycheck',
      ssl: false,
    });
  });

  it('encrypts without verifying the certificate for sslmode=require (Supabase pooler) and drops sslmode from the URL', () => {
    const target = parsePostgresUrl('postgresql://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?sslmode=require');
    expect(target.ssl).toEqual({ rejectUnauthorized: false });
    expect(target.url).toBe('postgresql://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres');
    expect(target.url).not.toContain('sslmode');
  });

  it('hands pg TLS options that the URL no longer overrides', () => {
    // pg lets a URL's sslmode win over explicit options, and reads require as verify-full.
    const target = parsePostgresUrl('postgres://u:p@db.example.com:6543/postgres?sslmode=require');
    const resolved = new ConnectionParameters({ connectionString: target.url, ssl: target.ssl });
    expect(resolved.ssl).toEqual({ rejectUnauthorized: false });
    expect(resolved.database).toBe('postgres');
  });

  it.each(['verify-full', 'verify-ca'])('verifies the certificate for sslmode=%s', (mode) => {
    const target = parsePostgresUrl(`postgres://u:p@db.example.com/app?sslmode=${mode}`);
    expect(target.ssl).toEqual({ rejectUnauthorized: true });
    expect(target.url).not.toContain('sslmode');
  });

  it('uses no TLS for sslmode=disable', () => {
    const target = parsePostgresUrl('postgres://u:p@db.example.com/app?sslmode=disable');
    expect(target.ssl).toBe(false);
    expect(target.url).toBe('postgres://u:p@db.example.com/app');
  });

  it('treats ssl=true as sslmode=require', () => {
    const target = parsePostgresUrl('postgres://u:p@db.example.com/app?ssl=true');
    expect(target.ssl).toEqual({ rejectUnauthorized: false });
    expect(target.url).not.toContain('ssl=');
  });

  it('keeps the other query parameters', () => {
    const target = parsePostgresUrl(
      'postgres://u:p@db.example.com/app?application_name=paycheck&sslmode=require&options=-c%20search_path%3Dpublic',
    );
    const params = new URL(target.url).searchParams;
    expect(params.get('application_name')).toBe('paycheck');
    expect(params.get('options')).toBe('-c search_path=public');
    expect(params.has('sslmode')).toBe(false);
  });

  it('decodes the database name and defaults it to postgres', () => {
    expect(parsePostgresUrl('postgres://u@h/my%20db').database).toBe('my db');
    expect(parsePostgresUrl('postgres://u@h').database).toBe('postgres');
  });
});

describe('withDatabase', () => {
  it('points the same server and credentials at another database', () => {
    expect(withDatabase('postgres://u:p@db.example.com:6543/paycheck?sslmode=require', 'postgres')).toBe(
      'postgres://u:p@db.example.com:6543/postgres?sslmode=require',
    );
  });
});
