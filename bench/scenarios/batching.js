'use strict';
// What micro-batching would save (evidence for the intake's next step, not a test of the service):
// the same new rows inserted one statement per row vs. one multi-row statement per batch, and the
// same jobs added one call per job vs. addBulk per batch, with 50 rows/jobs in flight throughout.
// Also the two ways of answering a duplicate: INSERT-then-SELECT vs. a single statement.
const os = require('node:os');
const { Pool } = require('pg');
const census = require('../lib/cpu-census');
const { JOB_OPTIONS, SETTLE_JOB, settlementJobId } = require('../lib/queue-contract');
const { openQueue } = require('../lib/seed');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');

const COLUMNS = `id, transaction_id, source_account, destination_account, amount::text AS amount, currency,
  status, attempts, last_error, enqueue_generation, created_at, updated_at, processed_at`;
const INSERT_ONE = `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT (transaction_id) DO NOTHING RETURNING ${COLUMNS}`;
const INSERT_MANY = `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
  SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::numeric[], $5::char(3)[])
  ON CONFLICT (transaction_id) DO NOTHING RETURNING ${COLUMNS}`;
const SELECT_ONE = `SELECT ${COLUMNS} FROM transactions WHERE transaction_id = $1`;
const REPLAY_ONE = `WITH inserted AS (${INSERT_ONE})
  SELECT true AS created, * FROM inserted
  UNION ALL
  SELECT false, ${COLUMNS} FROM transactions WHERE transaction_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`;

const IN_FLIGHT = 50;

/** Runs `unit(i)` (which handles `size` items) from IN_FLIGHT/size loops for `seconds`; returns items/s and CPU per item. */
async function closedLoop(seconds, size, unit) {
  const loops = Math.max(1, Math.round(IN_FLIGHT / size));
  let next = 0;
  let done = 0;
  const before = census.snapshot();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (Date.now() < deadline) {
        const first = next;
        next += size; // taken before awaiting, so concurrent loops never share ids
        await unit(first);
        done += size;
      }
    }),
  );
  const cpu = census.delta(before, census.snapshot());
  const per = (label) => (1000 * (cpu.groups[label] || 0)) / done;
  return { perSec: done / cpu.seconds, clientMs: per('load generator'), pgMs: per('postgres'), redisMs: per('redis') };
}

function rowsFor(label, from, size) {
  const ids = [];
  const sources = [];
  const destinations = [];
  const amounts = [];
  const currencies = [];
  for (let i = from; i < from + size; i++) {
    ids.push(`${label}_${i}`);
    sources.push(`user_${i % 5000}`);
    destinations.push(`merchant_${i % 50}`);
    amounts.push(`${(i % 99_999) + 1}.00`);
    currencies.push('INR');
  }
  return [ids, sources, destinations, amounts, currencies];
}

async function batching(ctx) {
  const seconds = ctx.opts.duration;
  await stores.truncateAll(ctx.pool);
  const pool = new Pool({ connectionString: stores.DATABASE_URL, max: 20, application_name: 'paycheck-bench-batching' });
  const prefix = stores.newPrefix('batch');
  ctx.prefixes.push(prefix);
  const queue = openQueue(prefix);
  const rows = [];
  const add = (what, size, r) => rows.push([what, size, fmt.int(r.perSec), r.clientMs.toFixed(3), r.pgMs.toFixed(3), r.redisMs.toFixed(3)]);
  try {
    for (const size of [1, 10, 50]) {
      ctx.log(`batching: INSERT, ${size} row(s) per statement`);
      const label = `b${size}`;
      add(
        'INSERT … ON CONFLICT … RETURNING',
        size,
        await closedLoop(seconds, size, (i) =>
          size === 1
            ? pool.query(
                INSERT_ONE,
                rowsFor(label, i, 1).map((col) => col[0]),
              )
            : pool.query(INSERT_MANY, rowsFor(label, i, size)),
        ),
      );
    }
    ctx.log('batching: INSERT as a named (prepared once per connection) statement');
    add(
      'INSERT, prepared statement',
      1,
      await closedLoop(seconds, 1, (i) =>
        pool.query({ name: 'insert-transaction', text: INSERT_ONE, values: rowsFor('prep', i, 1).map((col) => col[0]) }),
      ),
    );
    let cycle = 0;
    ctx.log('batching: duplicates');
    add(
      'duplicate: INSERT, then SELECT',
      1,
      await closedLoop(seconds, 1, async () => {
        const id = `b1_${cycle++ % 2000}`;
        const params = [id, 'user_0', 'merchant_0', '1.00', 'INR'];
        const inserted = await pool.query(INSERT_ONE, params);
        if (inserted.rows.length === 0) await pool.query(SELECT_ONE, [id]);
      }),
    );
    add('duplicate: SELECT only', 1, await closedLoop(seconds, 1, () => pool.query(SELECT_ONE, [`b1_${cycle++ % 2000}`])));
    add(
      'duplicate: one statement (CTE)',
      1,
      await closedLoop(seconds, 1, () => pool.query(REPLAY_ONE, [`b1_${cycle++ % 2000}`, 'user_0', 'merchant_0', '1.00', 'INR'])),
    );
    for (const size of [1, 10, 50]) {
      ctx.log(`batching: BullMQ, ${size} job(s) per call`);
      const jobs = (i) =>
        Array.from({ length: size }, (_, k) => {
          const transactionId = `q${size}_${i + k}`;
          return {
            name: SETTLE_JOB,
            data: { transactionId, generation: 0 },
            opts: { ...JOB_OPTIONS, jobId: settlementJobId(transactionId, 0) },
          };
        });
      add(
        size === 1 ? 'queue.add' : 'queue.addBulk',
        size,
        await closedLoop(seconds, size, (i) => {
          const batch = jobs(i);
          return size === 1 ? queue.add(batch[0].name, batch[0].data, batch[0].opts) : queue.addBulk(batch);
        }),
      );
    }
  } finally {
    await queue.close();
    await pool.end();
  }
  const text = [
    `Batching: ${IN_FLIGHT} rows or jobs in flight, ${seconds} s each, pg pool of 20, on ${os.cpus().length} cores shared by client, PostgreSQL and Redis`,
    table(['operation', 'per call', 'items/s', 'client CPU ms/item', 'PostgreSQL CPU ms/item', 'Redis CPU ms/item'], rows),
  ].join('\n');
  return { text, figures: { rows } };
}

module.exports = { batching };
