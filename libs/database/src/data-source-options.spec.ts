import { buildDataSourceOptions, poolSettingsFor } from './data-source-options';

const URL = 'postgres://postgres:postgres@127.0.0.1:5432/paycheck';

function acquireTimeoutOf(options: ReturnType<typeof buildDataSourceOptions>): unknown {
  return (options.extra as { connectionTimeoutMillis?: unknown }).connectionTimeoutMillis;
}

describe('pool settings', () => {
  it('lets intake wait at most 2 s for a connection, so it can answer 503 within 5 s', () => {
    expect(acquireTimeoutOf(buildDataSourceOptions(URL, poolSettingsFor('api')))).toBe(2000);
    expect(acquireTimeoutOf(buildDataSourceOptions(URL, poolSettingsFor('all')))).toBe(2000);
  });

  it('lets a worker queue for a connection through a burst instead of failing jobs as if PostgreSQL were down', () => {
    expect(acquireTimeoutOf(buildDataSourceOptions(URL, poolSettingsFor('worker')))).toBe(30_000);
  });

  it('keeps the serving bound when a caller only sizes the pool', () => {
    expect(acquireTimeoutOf(buildDataSourceOptions(URL, { max: 2 }))).toBe(2000);
  });
});
