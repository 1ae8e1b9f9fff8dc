'use strict';
// GET /v1/stats on a table of --stats-rows transactions (default 1,000,000), seeded straight into
// PostgreSQL with generate_series, through the same triggers as live traffic, so the counters are
// those the service itself would have kept. Checks the answer against a brute-force count, then
// times --stats-requests sequential requests (p50/p99).
const { performance } = require('node:perf_hooks');
const children = require('../lib/children');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, median, table } = require('../lib/table');

/** Rows per seeding statement: each statement's transition table stays a few tens of MB. */
const SEED_CHUNK = 200_000;
/** Seeded rows are spread over this many hours back from now, so both windows and their edges have rows. */
const SPREAD_HOURS = 36;

const SEED_TRANSACTIONS = `
  INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency, status, attempts, last_error,
                            created_at, updated_at, processed_at)
  SELECT 'st_' || g, 'user_' || (g % 5000), 'merchant_' || (g % 50), (((g % 9999) + 1) || '.' || lpad((g % 100)::text, 2, '0'))::numeric,
         CASE WHEN g % 3 = 0 THEN 'USD' ELSE 'INR' END,
         s.status, CASE s.status WHEN 'PROCESSING' THEN 0 WHEN 'FAILED' THEN 5 ELSE 1 END,
         CASE s.status WHEN 'FAILED' THEN 'seeded failure' END,
         t.created_at, t.created_at + interval '2 seconds', CASE s.status WHEN 'PROCESSED' THEN t.created_at + interval '2 seconds' END
    FROM generate_series($1::int, $2::int) g
   CROSS JOIN LATERAL (SELECT now() - make_interval(secs => ($3::int - g) * ($4::float8 * 3600 / $3::int)) AS created_at) t
   CROSS JOIN LATERAL (SELECT CASE WHEN g % 20 = 0 THEN 'FAILED' WHEN g % 20 = 1 THEN 'PROCESSING' ELSE 'PROCESSED' END AS status) s`;

const SEED_EVENTS = `
  INSERT INTO transaction_events (transaction_id, type, details, occurred_at)
  SELECT transaction_id, e.type, e.details, e.occurred_at
    FROM transactions t
   CROSS JOIN LATERAL (
     SELECT 'received' AS type, jsonb_build_object('source', 'native', 'request_id', 'seed', 'redelivery', false) AS details,
            t.created_at AS occurred_at, 0 AS step
     UNION ALL
     SELECT 'processed', jsonb_build_object('attempt', 1, 'late', false), t.processed_at, 1 WHERE t.status = 'PROCESSED'
     UNION ALL
     SELECT 'failed', jsonb_build_object('attempt', 5, 'error', t.last_error), t.updated_at, 1 WHERE t.status = 'FAILED') e
   WHERE t.id BETWEEN $1 AND $2
   ORDER BY t.id, e.step`;

const DIRECT_WINDOW = `
  SELECT count(*) FILTER (WHERE e.type = 'received' AND NOT (e.details @> '{"redelivery":true}'))::int AS received,
         count(*) FILTER (WHERE e.type = 'processed')::int AS processed,
         count(*) FILTER (WHERE e.type = 'failed')::int AS failed,
         coalesce(sum(t.amount) FILTER (WHERE e.type = 'processed' AND t.currency = 'INR'), 0)::text AS inr
    FROM transaction_events e JOIN transactions t USING (transaction_id)
   WHERE e.occurred_at > $1::timestamptz - $2::interval`;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

async function stats(ctx) {
  const n = ctx.opts.statsRows;
  const requests = ctx.opts.statsRequests;
  await stores.truncateAll(ctx.pool);
  const seedStarted = Date.now();
  for (let from = 1; from <= n; from += SEED_CHUNK) {
    const to = Math.min(n, from + SEED_CHUNK - 1);
    ctx.log(`stats: seeding transactions ${fmt.int(from)}–${fmt.int(to)} and their events`);
    await ctx.pool.query(SEED_TRANSACTIONS, [from, to, n, SPREAD_HOURS]);
    await ctx.pool.query(SEED_EVENTS, [from, to]);
  }
  await ctx.pool.query('SELECT paycheck_compact_stats()');
  await ctx.pool.query('VACUUM ANALYZE transactions, transaction_events, stats_buckets, stats_status_counts');
  const seedMs = Date.now() - seedStarted;

  const prefix = stores.newPrefix('stats');
  ctx.prefixes.push(prefix);
  const api = await startService(ctx, { name: 'stats-api', role: 'api', prefix, env: { DB_MIGRATIONS_RUN: 'false' } });
  try {
    const url = `${api.url}/v1/stats`;
    const answer = await getJson(url);
    const { rows } = await ctx.pool.query(DIRECT_WINDOW, [answer.as_of, '1 hour']);
    const direct = rows[0];
    const exact =
      answer.last_hour.received === direct.received &&
      answer.last_hour.processed === direct.processed &&
      answer.last_hour.failed === direct.failed &&
      (answer.last_hour.processed_volume.INR ?? '0') === direct.inr;
    for (let i = 0; i < 20; i++) await getJson(url); // warm-up: prepared plans, caches
    const timings = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await getJson(url);
      timings.push(performance.now() - started);
    }
    const { rows: sizes } = await ctx.pool.query(
      `SELECT (SELECT count(*) FROM stats_buckets)::int AS buckets, (SELECT count(*) FROM stats_status_counts)::int AS slots`,
    );
    const text = [
      `Stats: GET /v1/stats on ${fmt.int(n)} transactions (${SPREAD_HOURS} h of history), ${requests} sequential requests after 20 warm-up`,
      table(
        ['figure', 'value'],
        [
          ['p50', fmt.ms(median(timings))],
          ['p99', fmt.ms(percentile(timings, 99))],
          ['max', fmt.ms(Math.max(...timings))],
          ['last hour equals a brute-force count', exact ? 'yes' : `NO: ${JSON.stringify({ answer: answer.last_hour, direct })}`],
          ['counter rows stored (buckets, status slots)', `${sizes[0].buckets}, ${sizes[0].slots}`],
          ['seeding (SQL, through the triggers)', fmt.s(seedMs)],
        ],
      ),
    ].join('\n');
    return { text, figures: { p50: median(timings), p99: percentile(timings, 99), exact } };
  } finally {
    await children.stop(api);
  }
}

module.exports = { stats };
