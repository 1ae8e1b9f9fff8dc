'use strict';
// The bench's own PostgreSQL database and Redis key space, on the machine's servers (127.0.0.1 only).
const { randomBytes } = require('node:crypto');
const { Client, Pool } = require('pg');
const Redis = require('ioredis');

const PG_SERVER = 'postgres://postgres:postgres@127.0.0.1:5432';
const BENCH_DB = 'paycheck_bench';
const DATABASE_URL = `${PG_SERVER}/${BENCH_DB}`;
const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX_ROOT = 'paycheck-bench';

async function withAdmin(work) {
  const client = new Client({ connectionString: `${PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Dropped here and re-created (and migrated) by the first service that boots against it. */
function dropBenchDatabase() {
  return withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`));
}

function benchPool() {
  return new Pool({ connectionString: DATABASE_URL, max: 4, application_name: 'paycheck-bench' });
}

function truncateAll(pool) {
  return pool.query('TRUNCATE ledger_postings, transactions RESTART IDENTITY');
}

/** n PROCESSING rows `${idPrefix}_1..n`, all credited to `destination`, in one statement. */
async function seedTransactions(pool, idPrefix, n, destination) {
  await pool.query(
    `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
     SELECT $1 || '_' || g, 'user_' || g, $2, 100.00, 'INR' FROM generate_series(1, $3::int) g`,
    [idPrefix, destination, n],
  );
  return Array.from({ length: n }, (_, i) => `${idPrefix}_${i + 1}`);
}

async function processedCount(pool, destination) {
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE status = 'PROCESSED')::int AS processed,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            count(*)::int AS total,
            extract(epoch FROM max(processed_at)) * 1000 AS last_processed_ms
       FROM transactions WHERE destination_account = $1`,
    [destination],
  );
  return rows[0];
}

async function pgCounters(pool) {
  const { rows } = await pool.query(
    'SELECT xact_commit::bigint AS commits, tup_inserted::bigint AS inserted, tup_fetched::bigint AS fetched FROM pg_stat_database WHERE datname = $1',
    [BENCH_DB],
  );
  return { commits: Number(rows[0].commits), inserted: Number(rows[0].inserted), fetched: Number(rows[0].fetched) };
}

function redisClient() {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3 });
}

function newPrefix(label) {
  return `${PREFIX_ROOT}-${label}-${randomBytes(3).toString('hex')}`;
}

/** Removes every key under `pattern` (SCAN + UNLINK, never KEYS). */
async function deleteKeys(redis, pattern) {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/** INFO commandstats as { command: { calls, usec } }. */
async function redisCommandStats(redis) {
  const text = await redis.info('commandstats');
  const stats = {};
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats[match[1]] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return stats;
}

function commandStatsDelta(before, after) {
  const delta = {};
  for (const [cmd, { calls, usec }] of Object.entries(after)) {
    const prev = before[cmd] || { calls: 0, usec: 0 };
    if (calls > prev.calls) delta[cmd] = { calls: calls - prev.calls, usec: usec - prev.usec };
  }
  return delta;
}

module.exports = {
  BENCH_DB,
  DATABASE_URL,
  REDIS_URL,
  PREFIX_ROOT,
  dropBenchDatabase,
  benchPool,
  truncateAll,
  seedTransactions,
  processedCount,
  pgCounters,
  redisClient,
  newPrefix,
  deleteKeys,
  redisCommandStats,
  commandStatsDelta,
};
