'use strict';
// Settlement throughput: one worker (WORKER_CONCURRENCY=1000, short calls) drains a backlog queued
// through the API while the queue was paused. Measures settlements/s from the first to the last
// PROCESSED, what each settlement costs (worker CPU, PostgreSQL commits, Redis commands, PostgreSQL
// and Redis CPU), and ends with an exactly-once check of rows, ledger legs and every balance.
const children = require('../lib/children');
const census = require('../lib/cpu-census');
const { problemsIn } = require('../lib/log-scan');
const { openQueue, sendWebhooks } = require('../lib/seed');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');

const CONCURRENCY = 1000;
/** Polls are few and light: the bench's own queries are a rounding error in the commit count. */
const POLL_MS = 500;
const DRAIN_DEADLINE_MS = 600_000;
const STATS_SETTLE_MS = 2000;

async function states(pool) {
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE status = 'PROCESSED')::int AS processed,
            count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
            extract(epoch FROM min(processed_at)) * 1000 AS first_ms,
            extract(epoch FROM max(processed_at)) * 1000 AS last_ms
       FROM transactions`,
  );
  return rows[0];
}

/** Commits counted by PostgreSQL's statistics, flushed first so the figure is not a second behind. */
async function commitsSoFar(pool) {
  await pool.query('SELECT pg_stat_force_next_flush()').catch(() => undefined); // PostgreSQL 15+
  await pool.query('SELECT pg_stat_clear_snapshot()');
  return (await stores.pgCounters(pool)).commits;
}

/**
 * Rows, legs and balances: N rows PROCESSED, 2N legs (one debit and one credit per row), debits
 * equal credits per currency, and every account's balance equals what its PROCESSED rows say.
 */
async function exactlyOnce(pool, n) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*)::int FROM transactions WHERE status = 'PROCESSED') AS processed,
            (SELECT count(*)::int FROM ledger_postings) AS legs,
            (SELECT count(*)::int FROM (SELECT transaction_id FROM ledger_postings GROUP BY transaction_id
                                          HAVING count(*) FILTER (WHERE side = 'debit') <> 1 OR count(*) FILTER (WHERE side = 'credit') <> 1) x) AS bad_pairs,
            (SELECT count(*)::int FROM (SELECT currency FROM ledger_postings GROUP BY currency HAVING sum(amount) <> 0) x) AS unbalanced_currencies,
            (SELECT count(*)::int FROM (
               SELECT account_id, currency, sum(amount) AS balance FROM ledger_postings GROUP BY account_id, currency
             ) posted FULL JOIN (
               SELECT account_id, currency, sum(amount) AS balance FROM (
                 SELECT source_account AS account_id, currency, -amount AS amount FROM transactions WHERE status = 'PROCESSED'
                 UNION ALL
                 SELECT destination_account, currency, amount FROM transactions WHERE status = 'PROCESSED') legs
               GROUP BY account_id, currency
             ) expected USING (account_id, currency)
             WHERE posted.balance IS DISTINCT FROM expected.balance) AS wrong_balances,
            (SELECT count(DISTINCT account_id)::int FROM ledger_postings) AS accounts,
            (SELECT coalesce(sum(amount), 0)::text FROM ledger_postings WHERE side = 'credit') AS credited`,
  );
  const c = rows[0];
  const exact = c.processed === n && c.legs === 2 * n && c.bad_pairs === 0 && c.unbalanced_currencies === 0 && c.wrong_balances === 0;
  return { ...c, exact };
}

async function settlement(ctx) {
  const { settlementJobs: n, settlementDelayMs: delayMs } = ctx.opts;
  await stores.truncateAll(ctx.pool);
  const prefix = stores.newPrefix('settle');
  ctx.prefixes.push(prefix);
  const env = { DB_MIGRATIONS_RUN: 'false' };
  const queue = openQueue(prefix);
  const started = [];
  try {
    await queue.pause();
    const api = await startService(ctx, { name: 'settlement-api', role: 'api', prefix, env });
    started.push(api);
    ctx.log(`settlement: queueing ${n} webhooks through the API (queue paused)`);
    const intake = await sendWebhooks(api.url, 'settle', n);
    await children.stop(api);
    const worker = await startService(ctx, {
      name: 'settlement-worker',
      role: 'worker',
      prefix,
      env: { ...env, WORKER_CONCURRENCY: String(CONCURRENCY), PROCESSING_DELAY_MS: String(delayMs) },
    });
    started.push(worker);

    const commitsBefore = await commitsSoFar(ctx.pool);
    const walBefore = await stores.walBytes(ctx.pool);
    const redisBefore = await stores.redisCommandStats(ctx.redis);
    const workerCpuBefore = children.cpuSecondsOf(worker.pid);
    const machineBefore = census.snapshot();
    const t0 = Date.now();
    ctx.log(`settlement: releasing ${n} jobs to one worker (WORKER_CONCURRENCY=${CONCURRENCY}, PROCESSING_DELAY_MS=${delayMs})`);
    await queue.resume();
    let state = await states(ctx.pool);
    while (state.processed + state.failed < n && Date.now() - t0 < DRAIN_DEADLINE_MS) {
      await children.sleep(POLL_MS);
      state = await states(ctx.pool);
    }
    // Let the last jobs' ends reach Redis before counting its commands.
    const jobsLeft = () => queue.getJobCounts('active', 'wait', 'delayed');
    for (
      let left = await jobsLeft();
      Object.values(left).some((v) => v > 0) && Date.now() - t0 < DRAIN_DEADLINE_MS;
      left = await jobsLeft()
    )
      await children.sleep(100);
    const workerCpu = children.cpuSecondsOf(worker.pid) - workerCpuBefore;
    const machine = census.delta(machineBefore, census.snapshot(), { worker: worker.pid });
    const redisDelta = stores.commandStatsDelta(redisBefore, await stores.redisCommandStats(ctx.redis));
    // Backends report their commits when idle, at most once a second (PostgreSQL 15): give them that.
    await children.sleep(STATS_SETTLE_MS);
    const commits = (await commitsSoFar(ctx.pool)) - commitsBefore;
    const wal = (await stores.walBytes(ctx.pool)) - walBefore;

    const settled = state.processed;
    const spanMs = Math.max(1, state.last_ms - state.first_ms);
    const perSec = (1000 * settled) / spanMs;
    const redisCalls = Object.values(redisDelta).reduce((sum, d) => sum + d.calls, 0);
    const topRedis = Object.entries(redisDelta)
      .sort((a, b) => b[1].calls - a[1].calls)
      .slice(0, 6)
      .map(([cmd, d]) => `${cmd} ${(d.calls / n).toFixed(1)}`)
      .join(', ');
    const check = await exactlyOnce(ctx.pool, n);
    const problems = problemsIn(worker.logFile);
    const per = (seconds) => fmt.ms((1000 * seconds) / Math.max(1, settled));
    const text = [
      `Settlement throughput: ${fmt.int(n)} jobs queued through the API (${fmt.int(intake.ackPerSec)} ack/s) while the queue was paused, then drained by one worker; WORKER_CONCURRENCY=${CONCURRENCY}, PROCESSING_DELAY_MS=${delayMs}`,
      table(
        [
          'settled',
          'first → last PROCESSED',
          'settlements/s',
          'worker CPU / settlement',
          'PostgreSQL commits / settlement',
          'Redis commands / job',
        ],
        [
          [
            fmt.int(settled),
            fmt.s(spanMs),
            fmt.int(perSec),
            per(workerCpu),
            (commits / Math.max(1, settled)).toFixed(2),
            (redisCalls / n).toFixed(1),
          ],
        ],
      ),
      `CPU per settlement over the drain (${fmt.s(machine.seconds * 1000)}, ${require('node:os').cpus().length} cores): worker ${per(machine.groups.worker || 0)}, PostgreSQL ${per(machine.groups.postgres || 0)}, Redis ${per(machine.groups.redis || 0)}, everything else ${per((machine.groups.other || 0) + (machine.groups['load generator'] || 0))}`,
      `Redis commands per job, busiest: ${topRedis || 'none'} (INFO commandstats is server-wide: anything else using this Redis is counted too)`,
      `WAL per settlement: ${fmt.int(wal / Math.max(1, settled))} bytes (server-wide: anything else writing to this PostgreSQL is counted too)`,
      `PostgreSQL commits: pg_stat_database.xact_commit of the bench database (the bench's own polls, every ${POLL_MS} ms, included)`,
      `exactly once: ${fmt.int(check.processed)} of ${fmt.int(n)} rows PROCESSED, ${fmt.int(check.legs)} ledger legs (expected ${fmt.int(2 * n)}), ${check.bad_pairs} transactions without exactly one debit and one credit, ${check.unbalanced_currencies} currencies whose debits and credits differ, ${check.wrong_balances} of ${fmt.int(check.accounts)} account balances differing from their PROCESSED rows (credited in all ${check.credited}); failed ${state.failed}`,
      `worker warnings/errors: ${problems.total} (${problems.summary})`,
      `verdict: ${check.exact ? 'every transaction posted exactly once, every balance exact' : 'NOT exactly once (see above)'}`,
    ].join('\n');
    return {
      text,
      figures: { n, settled, spanMs, perSec, workerCpuMs: (1000 * workerCpu) / settled, commits, wal, redisCalls, exact: check.exact },
    };
  } finally {
    await queue.close();
    for (const child of started) await children.kill(child);
  }
}

module.exports = { settlement };
