import Redis from 'ioredis';
import { TEMPLATE_ENV, dropDatabasesStartingWith } from './test-databases';

/** Drops this run's databases and deletes this run's Redis keys (every test prefix starts with the run's name). */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[TEMPLATE_ENV];
  if (!run) return;
  await dropDatabasesStartingWith(run);
  await deleteRedisKeysStartingWith(run);
}

async function deleteRedisKeysStartingWith(prefix: string): Promise<void> {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
