import Redis from 'ioredis';

/** The Redis the suites, the smoke run and the benchmark use (faults start private ones). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Deadline for each Redis command of a clean-up. */
const COMMAND_TIMEOUT_MS = 10_000;

/** Removes every key matching `pattern` (SCAN + UNLINK, never KEYS); returns how many. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/** Deletes every key whose name starts with `prefix` (a run's or a queue's), on its own connection. */
export async function deleteKeysStartingWith(prefix: string, url: string = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
  });
  redis.on('error', () => undefined); // a refused connection rejects connect() below; no second report
  try {
    await redis.connect();
    return await deleteKeys(redis, `${prefix}*`);
  } finally {
    redis.disconnect();
  }
}
