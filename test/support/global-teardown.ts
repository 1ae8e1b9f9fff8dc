import { TEMPLATE_ENV, dropDatabasesStartingWith } from './test-databases';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV];
  if (template) await dropDatabasesStartingWith(template);
}
