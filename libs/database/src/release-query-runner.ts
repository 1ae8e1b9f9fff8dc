import type { QueryRunner } from 'typeorm';

/** TypeORM's own way to hand a connection back so the pool destroys it (private in its typings). */
interface DestroyableRunner {
  releasePostgresConnection(error?: Error): Promise<void>;
}

/**
 * Returns the runner's connection to the pool, or destroys it when `broken` says its session
 * state is unknown (a timed-out ROLLBACK or unlock): closing the session is the one way to make
 * PostgreSQL drop what it still holds (an open transaction, an advisory lock).
 */
export async function releaseQueryRunner(runner: QueryRunner, broken?: Error): Promise<void> {
  if (broken) await (runner as unknown as DestroyableRunner).releasePostgresConnection(broken);
  else await runner.release();
}
