import type { DataSource, EntityManager } from 'typeorm';
import { releaseQueryRunner } from './typeorm-internals';

/**
 * DataSource.transaction(), except that a connection whose ROLLBACK failed is destroyed instead
 * of going back to the pool. With the client-side query timeout, a hung PostgreSQL makes a
 * statement and then its ROLLBACK time out; the ROLLBACK is dropped unsent, and TypeORM would
 * pool the connection with the transaction still open. Once PostgreSQL answers again, the next
 * borrower's COMMIT commits the abandoned half too: a transaction marked PROCESSED without its
 * ledger legs (reproduced in test/e2e/recovery.e2e-spec.ts). Closing the connection makes
 * PostgreSQL roll the half back.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let broken: Error | undefined;
  try {
    await runner.startTransaction();
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) {
      await runner.rollbackTransaction().catch((rollbackError: Error) => (broken = rollbackError));
    }
    throw error;
  } finally {
    await releaseQueryRunner(runner, broken);
  }
}
