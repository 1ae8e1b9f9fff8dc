'use strict';
// The bench's own PostgreSQL database and Redis key space, on the machine's servers: PostgreSQL is
// the test suites' server (TEST_DATABASE_URL), Redis theirs too (TEST_REDIS_URL).
const { randomBytes } = require('node:crypto');
const { Pool } = require('pg');
const Redis = require('ioredis');
const { TEST_REDIS_URL, deleteKeys, testDatabaseUrl, withAdmin } = require('./harness');

/**
 * BENCH_NAME (default paycheck_bench) names the database and, with dashes, the queue prefixes: two
 * runs on one machine under different names do not drop each other's database or delete each
 * other's keys.
 */
const BENCH_DB = process.env.BENCH_NAME || 'paycheck_bench';
if (!/^[a-z][a-z0-9_]{0,40}$/.test(BENCH_DB)) throw new Error(`BENCH_NAME must be a lower-case SQL identifier, not "${BENCH_DB}"`);
const DATABASE_URL = testDatabaseUrl(BENCH_DB);
const REDIS_URL = TEST_REDIS_URL;
const PREFIX_ROOT = BENCH_DB.replace(/_/g, '-');

/** Dropped here and re-created (and migrated) by the first service that boots against it. */
function dropBenchDatabase() {
  return withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`));
}

function benchPool() {
  return new Pool({ connectionString: DATABASE_URL, max: 4, application_name: 'paycheck-bench' });
}

/** Every table, the timeline and its counters included (they would otherwise count rows no longer there). */
const DATA_TABLES = [
  'ledger_postings',
  'provider_payment_references',
  'event_stream',
  'transaction_events',
  'stats_status_counts',
  'stats_buckets',
  'transactions',
];

/** Empties every data table the schema has: an older build (`--source`) lacks the newer ones. */
async function truncateAll(pool) {
  const { rows } = await pool.query('SELECT t FROM unnest($1::text[]) t WHERE to_regclass(t) IS NOT NULL', [DATA_TABLES]);
  await pool.query(`TRUNCATE ${rows.map((r) => r.t).join(', ')} RESTART IDENTITY`);
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

/** Bytes of WAL written so far, server-wide (everyone's databases on this PostgreSQL). */
async function walBytes(pool) {
  const { rows } = await pool.query("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes");
  return Number(rows[0].bytes);
}

function redisClient() {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3 });
}

/** BullMQ connection options for the bench's own queues and events (the same Redis as the service's). */
function queueConnection() {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

function newPrefix(label) {
  return `${PREFIX_ROOT}-${label}-${randomBytes(3).toString('hex')}`;
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
  walBytes,
  redisClient,
  queueConnection,
  newPrefix,
  deleteKeys,
  redisCommandStats,
  commandStatsDelta,
};
