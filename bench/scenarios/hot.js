'use strict';
// Hot account: payments into one merchant account, end to end through the API and one worker.
// Measures the time from the first webhook sent to the last transaction PROCESSED (posted).
const children = require('../lib/children');
const { problemsIn } = require('../lib/log-scan');
const { sendWebhooks } = require('../lib/seed');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');

const CONCURRENCY = 1000;
const DELAY_MS = 5000;
const MERCHANT = 'merchant_hot';

/** Sessions of the bench database blocked on a heavyweight lock (a row lock on a hot row would show here). */
async function sessionsWaitingOnLocks(pool) {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].n;
}

async function hot(ctx) {
  const n = ctx.opts.hotPayments;
  await stores.truncateAll(ctx.pool);
  const prefix = stores.newPrefix('hot');
  ctx.prefixes.push(prefix);
  const env = { DB_MIGRATIONS_RUN: 'false' };
  const api = await startService(ctx, { name: 'hot-api', role: 'api', prefix, env });
  const worker = await startService(ctx, {
    name: 'hot-worker',
    role: 'worker',
    prefix,
    env: { ...env, WORKER_CONCURRENCY: String(CONCURRENCY), PROCESSING_DELAY_MS: String(DELAY_MS) },
  });
  try {
    ctx.log(`hot: ${n} webhooks into ${MERCHANT}, worker concurrency ${CONCURRENCY}, delay ${DELAY_MS} ms`);
    const t0 = Date.now();
    const sending = sendWebhooks(api.url, 'hot', n, MERCHANT);
    const progress = [];
    let state = await stores.processedCount(ctx.pool, MERCHANT);
    let nextMark = 5000;
    let lockWaits = 0;
    while (state.processed + state.failed < n && Date.now() - t0 < 120_000) {
      await children.sleep(200);
      state = await stores.processedCount(ctx.pool, MERCHANT);
      lockWaits = Math.max(lockWaits, await sessionsWaitingOnLocks(ctx.pool));
      if (Date.now() - t0 >= nextMark) {
        progress.push([fmt.s(nextMark), fmt.int(state.total), fmt.int(state.processed)]);
        nextMark += 5000;
      }
    }
    const intake = await sending;
    const intakeMs = Date.now() - t0 > 0 ? intake.durationSec * 1000 : 0;
    const doneMs = state.last_processed_ms - t0;
    const { rows } = await ctx.pool.query(
      `SELECT count(*)::int AS postings, coalesce(sum(amount) FILTER (WHERE account_id = $1), 0)::text AS credited,
              (SELECT coalesce(sum(amount), 0)::text FROM transactions WHERE destination_account = $1 AND status = 'PROCESSED') AS expected
         FROM ledger_postings`,
      [MERCHANT],
    );
    const ledger = rows[0];
    // One account, no balance row: postings for it commit side by side. The busiest second shows it.
    const { rows: peak } = await ctx.pool.query(
      `SELECT count(*)::int AS n FROM transactions WHERE destination_account = $1 AND status = 'PROCESSED'
        GROUP BY date_trunc('second', processed_at) ORDER BY 1 DESC LIMIT 1`,
      [MERCHANT],
    );
    const problems = problemsIn(worker.logFile);
    const waves = Math.ceil(n / CONCURRENCY);
    const idealMs = waves * DELAY_MS;
    const allPosted = state.processed === n && ledger.postings === 2 * n && ledger.credited === ledger.expected;
    const text = [
      `Hot account: ${fmt.int(n)} payments into one merchant account; one worker, WORKER_CONCURRENCY=${CONCURRENCY}, PROCESSING_DELAY_MS=${DELAY_MS}`,
      table(['since first webhook', 'accepted', 'PROCESSED'], progress),
      `intake: ${fmt.int(n)} webhooks accepted in ${fmt.s(intakeMs)} (${fmt.int(intake.ackPerSec)} ack/s, p99 ${fmt.ms(intake.p99)}, errors ${intake.errors})`,
      `drain time: ${fmt.s(doneMs)} from the first webhook to the last of ${fmt.int(state.processed)} PROCESSED (target 25 s, ideal ${fmt.s(idealMs)}: ${waves} wave${waves === 1 ? '' : 's'} of ${DELAY_MS / 1000} s; ${fmt.s(doneMs - idealMs)} over the ideal)`,
      `ledger: ${fmt.int(ledger.postings)} postings, ${MERCHANT} credited ${ledger.credited} (sum of its processed transactions ${ledger.expected}); failed ${state.failed}`,
      `busiest second: ${fmt.int(peak[0]?.n ?? 0)} payments into ${MERCHANT} posted within one second; most sessions seen waiting on a lock at once (sampled every 200 ms): ${lockWaits}`,
      `worker warnings/errors: ${problems.total} (${problems.summary})`,
      `verdict: ${allPosted && doneMs <= 25_000 ? 'met' : 'NOT met'}${allPosted ? '' : ' (not every payment was posted exactly once)'}`,
    ].join('\n');
    return { text, figures: { n, doneMs, intakeMs, allPosted } };
  } finally {
    await children.kill(api);
    await children.kill(worker);
  }
}

module.exports = { hot };
