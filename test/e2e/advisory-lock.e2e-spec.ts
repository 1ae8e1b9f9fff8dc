import type { DataSource } from 'typeorm';
import { withTryAdvisoryLock } from '@app/database';
import { openTestDataSource } from '../support/test-databases';

const KEY = 424_242;

describe('withTryAdvisoryLock', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openTestDataSource();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('runs the work of one holder at a time and skips the others', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalHolding!: () => void;
    const holding = new Promise<void>((resolve) => (signalHolding = resolve));
    const first = withTryAdvisoryLock(dataSource, KEY, async () => {
      signalHolding(); // the work runs only once the lock is won
      await held;
      return 'first';
    });
    await holding;
    const [{ granted }] = await dataSource.query(
      `SELECT count(*)::int AS granted FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`,
      [KEY],
    );
    expect(granted).toBe(1);
    await expect(withTryAdvisoryLock(dataSource, KEY, async () => 'second')).resolves.toBeUndefined();
    release();
    await expect(first).resolves.toBe('first');
    await expect(withTryAdvisoryLock(dataSource, KEY, async () => 'after')).resolves.toBe('after');
  });

  it('releases the lock when the work throws', async () => {
    await expect(withTryAdvisoryLock(dataSource, KEY, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withTryAdvisoryLock(dataSource, KEY, async () => 'free')).resolves.toBe('free');
  });

  it('completes when its session broke during the work, and the lock is free afterwards', async () => {
    // The session holding the lock is killed mid-work, so the unlock fails: the periodic job
    // must not fail for it, and its connection is destroyed rather than pooled.
    await withTryAdvisoryLock(dataSource, KEY, async () => {
      await dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [
        KEY,
      ]);
    });
    await expect(withTryAdvisoryLock(dataSource, KEY, async () => 'taken again')).resolves.toBe('taken again');
    const [{ held }] = await dataSource.query(`SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND objid = $1`, [
      KEY,
    ]);
    expect(held).toBe(0);
  });
});
