'use strict';
// The framework-free floor the intake is measured against: node:http, a pg Pool and a BullMQ Queue.
// One INSERT ... ON CONFLICT DO NOTHING and, for a new row, one queue.add with the service's job
// options and data; 202 with the row as JSON. No validation, no signature, no logging: the least any
// implementation of Paycheck's intake has to do.
const http = require('node:http');
const { Pool } = require('pg');
const { Queue } = require('bullmq');
const { JOB_OPTIONS, SETTLE_JOB, SETTLEMENT_QUEUE, settlementJobId } = require('./lib/queue-contract');

const port = Number(process.env.PORT || 8090);
const redis = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.FLOOR_POOL_MAX || 20),
  connectionTimeoutMillis: 2000,
  query_timeout: 4000,
  keepAlive: true,
  application_name: 'paycheck-floor',
});
const queue = new Queue(SETTLEMENT_QUEUE, {
  connection: { host: redis.hostname, port: Number(redis.port || 6379) },
  prefix: process.env.QUEUE_PREFIX,
  defaultJobOptions: JOB_OPTIONS,
});

const INSERT = `INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (transaction_id) DO NOTHING
  RETURNING transaction_id, source_account, destination_account, amount::text AS amount, currency,
    status, attempts, last_error, created_at, updated_at, processed_at`;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function receive(raw, res) {
  const body = JSON.parse(raw);
  const { rows } = await pool.query(INSERT, [
    body.transaction_id,
    body.source_account,
    body.destination_account,
    String(body.amount),
    body.currency,
  ]);
  if (rows.length === 0) return send(res, 202, { transaction_id: body.transaction_id, replayed: true });
  const row = rows[0];
  await queue.add(SETTLE_JOB, { transactionId: row.transaction_id, generation: 0 }, { jobId: settlementJobId(row.transaction_id, 0) });
  send(res, 202, {
    ...row,
    amount: Number(row.amount),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    processed_at: null,
  });
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') return send(res, 200, { status: 'HEALTHY' });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    receive(Buffer.concat(chunks).toString('utf8'), res).catch((error) => send(res, 500, { detail: error.message }));
  });
});
server.listen(port, '127.0.0.1');

process.on('SIGTERM', () => {
  server.close();
  Promise.allSettled([queue.close(), pool.end()]).then(() => process.exit(0));
});
