'use strict';
// Worker capacity: one worker process with WORKER_CONCURRENCY = N holding N simulated calls at
// once. Watches, for longer than two lock durations, that every job stays active, that locks keep
// being renewed (the smallest remaining lock TTL never nears zero) and that nothing stalls.
const { QueueEvents } = require('bullmq');
const children = require('../lib/children');
const { openQueue, sendWebhooks } = require('../lib/seed');
const { SETTLEMENT_QUEUE } = require('../lib/queue-contract');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');
const { problemsIn } = require('../lib/log-scan');

const LOCK_DURATION_MS = 30_000; // SettlementProcessor's lockDuration

/** Smallest and largest remaining lock TTL (ms) over the active jobs, and how many have no lock. */
async function lockTtls(redis, prefix) {
  const keyOf = (jobId) => `${prefix}:${SETTLEMENT_QUEUE}:${jobId}:lock`;
  const active = await redis.lrange(`${prefix}:${SETTLEMENT_QUEUE}:active`, 0, -1);
  const pipeline = redis.pipeline();
  for (const jobId of active) pipeline.pttl(keyOf(jobId));
  const ttls = (await pipeline.exec()).map(([, ttl]) => ttl);
  const held = ttls.filter((ttl) => ttl > 0);
  return { min: held.length ? Math.min(...held) : 0, max: held.length ? Math.max(...held) : 0, missing: ttls.length - held.length };
}

function reasons(messages) {
  const counts = new Map();
  for (const m of messages) counts.set(m, (counts.get(m) || 0) + 1);
  return [...counts].map(([m, c]) => `${c}× "${m}"`).join('; ');
}

async function capacity(ctx) {
  const { capacityJobs: n, observeSec } = ctx.opts;
  await stores.truncateAll(ctx.pool);
  const prefix = stores.newPrefix('cap');
  ctx.prefixes.push(prefix);
  // The call outlasts ramp-up plus the observation window, so every job is still in flight at the end.
  // The recovery sweep runs at its default period: its cost with 10,000 rows in flight is part of the picture.
  const delayMs = (observeSec + 60) * 1000;
  const api = await startService(ctx, { name: 'capacity-api', role: 'api', prefix, env: { DB_MIGRATIONS_RUN: 'false' } });
  const worker = await startService(ctx, {
    name: 'capacity-worker',
    role: 'worker',
    prefix,
    env: { WORKER_CONCURRENCY: String(n), PROCESSING_DELAY_MS: String(delayMs), DB_MIGRATIONS_RUN: 'false' },
  });
  const queue = openQueue(prefix);
  const events = new QueueEvents(SETTLEMENT_QUEUE, { connection: stores.queueConnection(), prefix });
  const stalled = [];
  const failed = [];
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  events.on('failed', ({ failedReason }) => failed.push(failedReason));
  await events.waitUntilReady();

  try {
    const idle = children.memoryOf(worker.pid);
    // A backlog released at once is the hard case (a deploy, a recovered outage): the queue is
    // paused while the API accepts the webhooks, then resumed.
    await queue.pause();
    ctx.log(`capacity: worker idle at ${fmt.mib(idle.rssMiB)}; sending ${n} webhooks to the paused queue`);
    const intakeRun = await sendWebhooks(api.url, 'cap', n, 'merchant_cap');
    await children.stop(api);
    const t0 = Date.now();
    await queue.resume();

    let active = 0;
    while (active < n && Date.now() - t0 < 90_000) {
      await children.sleep(250);
      active = await queue.getActiveCount();
    }
    const rampMs = Date.now() - t0;
    if (active < n) ctx.log(`capacity: only ${active} of ${n} active after ${fmt.s(rampMs)}`);

    const samples = [];
    const cpuAtStart = children.cpuSecondsOf(worker.pid);
    const observeStart = Date.now();
    while (Date.now() - observeStart < observeSec * 1000) {
      const [activeNow, locks, probe] = await Promise.all([
        queue.getActiveCount(),
        lockTtls(ctx.redis, prefix),
        children.httpGet(`${worker.url}/health/live`),
      ]);
      samples.push({ at: Date.now() - observeStart, active: activeNow, locks, probeMs: probe.ms, ...children.memoryOf(worker.pid) });
      await children.sleep(5000);
    }
    const steadyCpuPct = (100 * (children.cpuSecondsOf(worker.pid) - cpuAtStart)) / ((Date.now() - observeStart) / 1000);
    const problems = problemsIn(worker.logFile);

    const minActive = Math.min(...samples.map((s) => s.active));
    const minTtl = Math.min(...samples.map((s) => s.locks.min));
    const missing = Math.max(...samples.map((s) => s.locks.missing));
    const rss = Math.max(...samples.map((s) => s.rssMiB));
    const hwm = Math.max(...samples.map((s) => s.hwmMiB));
    const perCallKiB = ((rss - idle.rssMiB) * 1024) / n;
    const rows = samples.map((s) => [
      fmt.s(s.at),
      fmt.int(s.active),
      `${(s.locks.min / 1000).toFixed(1)}–${(s.locks.max / 1000).toFixed(1)} s`,
      s.locks.missing,
      fmt.mib(s.rssMiB),
      fmt.ms(s.probeMs),
    ]);
    const verdict = minActive >= n && stalled.length === 0 && missing === 0 && failed.length === 0 && problems.total === 0;
    const text = [
      `Worker capacity: WORKER_CONCURRENCY=${n}, PROCESSING_DELAY_MS=${delayMs}, lock ${LOCK_DURATION_MS / 1000} s renewed every ${LOCK_DURATION_MS / 2000} s`,
      `${fmt.int(n)} webhooks accepted through the API (${fmt.int(intakeRun.ackPerSec)} ack/s) while the queue was paused; ${fmt.int(active)} jobs active ${fmt.s(rampMs)} after it was resumed`,
      `observed ${observeSec} s (${((observeSec * 1000) / LOCK_DURATION_MS).toFixed(1)}× the lock duration) with every job in flight:`,
      table(['t', 'active', 'lock TTL left (min–max)', 'locks missing', 'worker RSS', '/health/live'], rows),
      `Worker memory: ${fmt.mib(idle.rssMiB)} idle → ${fmt.mib(rss)} RSS with ${fmt.int(n)} calls in flight (peak ${fmt.mib(hwm)}), ≈ ${perCallKiB.toFixed(1)} KiB per in-flight call; worker CPU while holding them ${steadyCpuPct.toFixed(1)}% of a core`,
      `stalled events: ${stalled.length}, failed: ${failed.length}${failed.length ? ` (${reasons(failed)})` : ''}, locks missing at any sample: ${missing}, smallest lock TTL seen: ${(minTtl / 1000).toFixed(1)} s`,
      `worker warnings/errors: ${problems.total} (${problems.summary})`,
      `verdict: ${verdict ? `holds ${fmt.int(n)} concurrent calls with no stall and no lost lock renewal` : 'NOT met (see above)'}`,
    ].join('\n');
    return { text, figures: { n, rampMs, rss, idle: idle.rssMiB, stalled: stalled.length, minTtl, verdict } };
  } finally {
    await events.close();
    await queue.close();
    await children.kill(worker); // a graceful stop would wait for every simulated call to finish
    await children.kill(api);
  }
}

module.exports = { capacity };
