import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { pgPoolOf, releaseQueryRunner } from '@app/database';
import { openTestDataSource } from '../support/test-databases';

// The TypeORM internals Paycheck relies on, checked against the installed TypeORM: an upgrade
// that moves them fails here, naming the one file to update.
describe('TypeORM internals (libs/database/src/typeorm-internals.ts)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openTestDataSource();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it("reaches the PostgreSQL driver's pg pool, the one the data source's own queries use", async () => {
    const pool = pgPoolOf(dataSource);
    expect(pool).toBeInstanceOf(Pool);
    const { rows } = await pool.query<{ db: string }>('SELECT current_database() AS db');
    const [{ db }] = await dataSource.query<Array<{ db: string }>>('SELECT current_database() AS db');
    expect(rows[0].db).toBe(db);
  });

  it('destroys a broken query runner connection instead of pooling it', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    await releaseQueryRunner(runner, new Error('session state unknown'));

    const [{ alive }] = await dataSource.query<Array<{ alive: number }>>(
      'SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(alive).toBe(0);
  });

  it('returns a healthy query runner connection to the pool', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    await releaseQueryRunner(runner);

    const [{ alive }] = await dataSource.query<Array<{ alive: number }>>(
      'SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(alive).toBe(1);
  });
});
