'use strict';
// Live event stream: one client connected to GET /v1/events while events commit at a steady rate
// (default 1,000 events/s) for a few seconds. Writers are the bench's own connections, each event
// written in a transaction that also touches its transaction row, as the service's writers do.
// Reports p50/p99 of receipt time minus commit time (taken when COMMIT returned) and minus
// occurred_at (the writer's now()). Same machine clock for both sides.
const children = require('../lib/children');
const { EventStreamReader } = require('../lib/harness');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');

/** Commits per second the rate is spread over; each commit carries rate/COMMITS_PER_SECOND events. */
const COMMITS_PER_SECOND = 20;
const WRITERS = 2;

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function stream(ctx) {
  const rate = ctx.opts.streamRate;
  const seconds = ctx.opts.streamSeconds;
  const prefix = stores.newPrefix('stream');
  ctx.prefixes.push(prefix);
  const api = await startService(ctx, { name: 'stream-api', role: 'api', prefix, env: { DB_MIGRATIONS_RUN: 'false', LOG_LEVEL: 'warn' } });
  const txn = `bench_stream_${Date.now()}`;
  await ctx.pool.query(
    `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency) VALUES ($1, 'bench_src', 'bench_dst', 1.00, 'INR')`,
    [txn],
  );
  const reader = await EventStreamReader.connect(`${api.url}/v1/events?transaction_id=${txn}`);
  const perCommit = Math.max(1, Math.round(rate / COMMITS_PER_SECOND));
  const commits = Math.round(seconds * COMMITS_PER_SECOND);
  const committedAt = new Map(); // attempt number -> ms when COMMIT returned
  const writers = await Promise.all(Array.from({ length: WRITERS }, () => ctx.pool.connect()));
  try {
    ctx.log(`stream: ${rate} events/s for ${seconds} s (${perCommit} events per commit, ${COMMITS_PER_SECOND} commits/s)`);
    const t0 = Date.now();
    const pending = [];
    for (let c = 0; c < commits; c++) {
      const due = t0 + (c * 1000) / COMMITS_PER_SECOND;
      if (due > Date.now()) await children.sleep(due - Date.now());
      const db = writers[c % WRITERS];
      const first = c * perCommit;
      pending.push(
        (async () => {
          await db.query('BEGIN');
          await db.query('UPDATE transactions SET updated_at = now() WHERE transaction_id = $1', [txn]);
          await db.query(
            `INSERT INTO transaction_events (transaction_id, type, details)
             SELECT $1, 'attempt_failed', jsonb_build_object('attempt', $2::int + g, 'error', 'bench') FROM generate_series(0, $3::int - 1) g`,
            [txn, first, perCommit],
          );
          await db.query('COMMIT');
          const at = Date.now();
          for (let i = 0; i < perCommit; i++) committedAt.set(first + i, at);
        })(),
      );
      if (pending.length >= WRITERS) await pending.shift();
    }
    await Promise.all(pending);
    const total = commits * perCommit;
    await reader.untilEvents(total, 60_000).catch(() => undefined);
    const fromCommit = [];
    const fromOccurred = [];
    for (const event of reader.events) {
      const attempt = event.data.details.attempt;
      if (committedAt.has(attempt)) fromCommit.push(event.receivedAt - committedAt.get(attempt));
      fromOccurred.push(event.receivedAt - Date.parse(event.data.occurred_at));
    }
    const row = (name, values) => [name, fmt.ms(percentile(values, 0.5)), fmt.ms(percentile(values, 0.99)), fmt.ms(Math.max(...values))];
    const p99 = percentile(fromCommit, 0.99);
    const text = [
      `Event stream: one client on GET /v1/events while ${fmt.int(rate)} events/s commit for ${seconds} s (${fmt.int(total)} events)`,
      table(['receipt minus', 'p50', 'p99', 'max'], [row('commit (COMMIT returned)', fromCommit), row('occurred_at', fromOccurred)]),
      `received ${fmt.int(reader.events.length)} of ${fmt.int(total)}; ids increasing: ${reader.events.every((e, i) => i === 0 || BigInt(e.id) > BigInt(reader.events[i - 1].id))}`,
      `verdict: ${reader.events.length === total && p99 < 1000 ? 'met' : 'NOT met'} (every event, p99 < 1 s after commit)`,
    ].join('\n');
    reader.close();
    return { text, figures: { total, received: reader.events.length, p99 } };
  } finally {
    for (const db of writers) db.release();
    await children.kill(api);
  }
}

module.exports = { stream };
