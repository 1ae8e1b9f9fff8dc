import { TEMPLATE_ENV, dropDatabasesStartingWith } from './test-databases';
import { deleteKeysStartingWith } from './test-redis';

/** Drops this run's databases and deletes this run's Redis keys (every test prefix starts with the run's name). */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[TEMPLATE_ENV];
  if (!run) return;
  await dropDatabasesStartingWith(run);
  await deleteKeysStartingWith(run);
}
