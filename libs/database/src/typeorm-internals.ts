import type { Pool } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

// Every reach into TypeORM's internals lives here, so a TypeORM upgrade that moves them breaks
// this file and its test (test/e2e/typeorm-internals.e2e-spec.ts), not the code that uses them.

/** Thrown when TypeORM no longer has what this file relies on: the upgrade needs this file updated. */
export class TypeOrmInternalsMoved extends Error {
  constructor(what: string) {
    super(`TypeORM internals moved: ${what} (update libs/database/src/typeorm-internals.ts)`);
  }
}

/**
 * The PostgreSQL driver's pg pool. Its query() checks a client out, runs one statement and
 * destroys the client if the statement failed, which is what a one-statement batch wants.
 */
export function pgPoolOf(dataSource: DataSource): Pool {
  const master = (dataSource.driver as unknown as { master?: Partial<Pool> }).master;
  if (typeof master?.query !== 'function' || typeof master.connect !== 'function')
    throw new TypeOrmInternalsMoved('PostgresDriver.master is not a pg Pool');
  return master as Pool;
}

/** TypeORM's own way to hand a query runner's connection back so the pool destroys it. */
interface DestroyableRunner {
  releasePostgresConnection(error?: Error): Promise<void>;
}

/**
 * Returns the runner's connection to the pool, or destroys it when `broken` says its session
 * state is unknown (a timed-out ROLLBACK or unlock): closing the session is the one way to make
 * PostgreSQL drop what it still holds (an open transaction, an advisory lock).
 */
export async function releaseQueryRunner(runner: QueryRunner, broken?: Error): Promise<void> {
  if (!broken) return runner.release();
  const destroyable = runner as unknown as Partial<DestroyableRunner>;
  if (typeof destroyable.releasePostgresConnection !== 'function')
    throw new TypeOrmInternalsMoved('PostgresQueryRunner.releasePostgresConnection is gone');
  await destroyable.releasePostgresConnection(broken);
}
