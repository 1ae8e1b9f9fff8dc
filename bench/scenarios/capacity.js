'use strict';
// Worker capacity: one worker process with WORKER_CONCURRENCY = N holding N simulated calls at
// once. Watches, for longer than two lock durations, that every job stays active, that locks keep
// being renewed (counted as TTL refreshes) and that nothing stalls; reports the worker's event-loop
// delay (its own /metrics), RSS per held call, and what the held jobs cost Redis.
const { QueueEvents } = require('bullmq');
const children = require('../lib/children');
const census = require('../lib/cpu-census');
const { openQueue, sendWebhooks } = require('../lib/seed');
const { SETTLEMENT_QUEUE } = require('../lib/queue-contract');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, median, table } = require('../lib/table');
const { problemsIn } = require('../lib/log-scan');
const { LockWatch, eventLoopDelay, pingMs, redisUsedMemory, sampledJobBytes } = require('../lib/worker-probes');

const LOCK_DURATION_MS = 30_000; // SettlementProcessor's lockDuration
const SAMPLE_EVERY_MS = 5000; // shorter than BullMQ's renewal period, so each TTL refresh is one renewal
/** How long the released backlog may take to become active: ~3,000 jobs/s measured, with room for a busy machine. */
const rampLimitMs = (n) => Math.max(90_000, n * 3);
/** "live": webhooks go in chunks, each once the worker has taken everything sent before it. */
const LIVE_CHUNK = 1000;
/** Allowance per webhook for paced intake when sizing the call (≈ 4 ms measured on the busy machine, doubled). */
const LIVE_MS_PER_WEBHOOK = 8;
const LIVE_CHUNK_DEADLINE_MS = 60_000;

/**
 * BullMQ's fetch loop starts the jobs it fetched only when a fetch comes back empty (or every slot
 * is taken), and a fetched job's lock is renewed only once it has started. Pacing intake so the
 * wait list empties between chunks keeps every fetch burst far shorter than the 30 s lock: this is
 * how traffic arrives, as opposed to a backlog released at once.
 */
async function sendPaced(apiUrl, queue, n) {
  const started = Date.now();
  for (let sent = 0; sent < n;) {
    const size = Math.min(LIVE_CHUNK, n - sent);
    await sendWebhooks(apiUrl, 'cap', size, 'merchant_cap', 50, sent);
    sent += size;
    const deadline = Date.now() + LIVE_CHUNK_DEADLINE_MS;
    while ((await queue.getWaitingCount()) > 0) {
      if (Date.now() > deadline) throw new Error(`the worker took no job for ${LIVE_CHUNK_DEADLINE_MS / 1000} s after ${sent} webhooks`);
      await children.sleep(100);
    }
  }
  return { ackPerSec: (1000 * n) / (Date.now() - started) };
}

function reasons(messages) {
  const counts = new Map();
  for (const m of messages) counts.set(m, (counts.get(m) || 0) + 1);
  return [...counts].map(([m, c]) => `${c}× "${m}"`).join('; ');
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const lagText = (l) => `p50 ${fmt.ms(l.p50)}, p99 ${fmt.ms(l.p99)}, max ${fmt.ms(l.max)}`;

/** Window-wide event-loop figures from per-sample ones: median of p50s, worst p99, worst max. */
function lagOver(samples) {
  const lags = samples.map((s) => s.lag).filter((l) => Number.isFinite(l.p99));
  if (lags.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  return { p50: median(lags.map((l) => l.p50)), p99: Math.max(...lags.map((l) => l.p99)), max: Math.max(...lags.map((l) => l.max)) };
}

async function capacity(ctx) {
  const { capacityJobs: n, observeSec } = ctx.opts;
  await stores.truncateAll(ctx.pool);
  const prefix = stores.newPrefix('cap');
  ctx.prefixes.push(prefix);
  // One generation of calls held through the whole window: a call outlasts the ramp-up limit plus
  // the window, and its deadline outlasts the call. Held calls cost the same whatever their length
  // (a timer, a promise, a lock renewed on a timer); with 30 s calls, holding N would instead take
  // N / 30 settlements a second, which is the settlement scenario's question, not this one's.
  const backlog = ctx.opts.capacityArrival === 'backlog';
  const arrivalMs = backlog ? 0 : n * LIVE_MS_PER_WEBHOOK;
  const delayMs = Math.round(arrivalMs + rampLimitMs(n) + observeSec * 1000 + 30_000);
  const api = await startService(ctx, { name: 'capacity-api', role: 'api', prefix, env: { DB_MIGRATIONS_RUN: 'false' } });
  const worker = await startService(ctx, {
    name: 'capacity-worker',
    role: 'worker',
    prefix,
    env: {
      WORKER_CONCURRENCY: String(n),
      PROCESSING_DELAY_MS: String(delayMs),
      SETTLEMENT_TIMEOUT_MS: String(delayMs + 60_000),
      DB_MIGRATIONS_RUN: 'false',
    },
  });
  const queue = openQueue(prefix);
  const events = new QueueEvents(SETTLEMENT_QUEUE, { connection: stores.queueConnection(), prefix });
  const stalled = [];
  const failed = [];
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  events.on('failed', ({ failedReason }) => failed.push(failedReason));
  await events.waitUntilReady();

  try {
    // A backlog released at once is the hard case (a deploy, a recovered outage): the queue is
    // paused while the API accepts the webhooks, then resumed. "live": the worker takes the jobs
    // as intake accepts them, the way traffic arrives.
    if (backlog) await queue.pause();
    await eventLoopDelay(worker.url); // resets the worker's histogram
    await children.sleep(SAMPLE_EVERY_MS);
    const idleLag = await eventLoopDelay(worker.url);
    const idle = children.memoryOf(worker.pid);
    const redisBefore = await redisUsedMemory(ctx.redis);
    ctx.log(
      `capacity: worker idle at ${fmt.mib(idle.rssMiB)}, event loop ${lagText(idleLag)}; sending ${n} webhooks ${backlog ? 'to the paused queue' : 'to the live queue'}`,
    );
    const t0 = Date.now();
    const intakeRun = backlog ? await sendWebhooks(api.url, 'cap', n, 'merchant_cap') : await sendPaced(api.url, queue, n);
    await children.stop(api);
    const redisQueued = await redisUsedMemory(ctx.redis);
    const released = Date.now();
    if (backlog) await queue.resume();

    let active = 0;
    while (active < n && Date.now() - released < rampLimitMs(n)) {
      await children.sleep(250);
      active = await queue.getActiveCount();
    }
    const rampMs = Date.now() - (backlog ? released : t0);
    if (active < n) ctx.log(`capacity: only ${active} of ${n} active after ${fmt.s(rampMs)}`);
    ctx.log(`capacity: ${active} active after ${fmt.s(rampMs)}; observing for ${observeSec} s`);

    const locks = new LockWatch(ctx.redis, prefix);
    await locks.sample(); // the baseline the first refreshes are counted from
    await eventLoopDelay(worker.url); // the window's delay starts here
    const jobBytes = await sampledJobBytes(ctx.redis, prefix);
    const redisHeld = await redisUsedMemory(ctx.redis);
    const samples = [];
    const cpuAtStart = census.snapshot();
    const commandsAtStart = await stores.redisCommandStats(ctx.redis);
    const observeStart = Date.now();
    while (Date.now() - observeStart < observeSec * 1000) {
      await children.sleep(SAMPLE_EVERY_MS);
      // The probes first, each on its own: behind the lock sample's pipelined PTTLs (one per
      // active job) they would time the bench's own event loop, not the worker or Redis.
      const probe = await children.httpGet(`${worker.url}/health/live`, 10_000);
      const ping = await pingMs(ctx.redis);
      const lag = await eventLoopDelay(worker.url, 10_000).catch(() => ({ p50: NaN, p99: NaN, max: NaN }));
      const activeNow = await queue.getActiveCount();
      const lockSample = await locks.sample();
      samples.push({
        at: Date.now() - observeStart,
        active: activeNow,
        locks: lockSample,
        probeMs: probe.ms,
        lag,
        ping,
        ...children.memoryOf(worker.pid),
      });
    }
    const windowSec = (Date.now() - observeStart) / 1000;
    const cpu = census.delta(cpuAtStart, census.snapshot(), { worker: worker.pid });
    const commands = stores.commandStatsDelta(commandsAtStart, await stores.redisCommandStats(ctx.redis));
    const problems = problemsIn(worker.logFile);

    const minActive = Math.min(...samples.map((s) => s.active));
    const minTtl = Math.min(...samples.map((s) => s.locks.min));
    const missing = Math.max(...samples.map((s) => s.locks.missing));
    const rss = Math.max(...samples.map((s) => s.rssMiB));
    const hwm = Math.max(...samples.map((s) => s.hwmMiB));
    const perCallKiB = ((rss - idle.rssMiB) * 1024) / n;
    const lag = lagOver(samples);
    const renewalsPerJobMin = (locks.renewals / n) * (60 / windowSec);
    // Two renewals between samples show as one refresh: past the renewal period (7.5 s) the count is a lower bound.
    const longestGapMs = Math.max(...samples.map((s, i) => s.at - (i ? samples[i - 1].at : 0)));
    const renewalCountNote = longestGapMs > 7000 ? ` (a lower bound: samples up to ${fmt.s(longestGapMs)} apart)` : '';
    const calls = (cmd) => (commands[cmd] ? commands[cmd].calls : 0);
    const cpuPct = (label) => (100 * (cpu.groups[label] || 0)) / cpu.seconds;
    const rows = samples.map((s) => [
      fmt.s(s.at),
      fmt.int(s.active),
      `${(s.locks.min / 1000).toFixed(1)}–${(s.locks.max / 1000).toFixed(1)} s`,
      s.locks.missing,
      fmt.int(s.locks.renewed),
      Number.isFinite(s.lag.p99) ? `${fmt.ms(s.lag.p50)} / ${fmt.ms(s.lag.p99)} / ${fmt.ms(s.lag.max)}` : '/metrics did not answer in 10 s',
      fmt.mib(s.rssMiB),
      fmt.ms(s.probeMs),
      fmt.ms(s.ping),
    ]);
    const verdict = minActive >= n && stalled.length === 0 && missing === 0 && failed.length === 0 && problems.total === 0;
    const text = [
      `Worker capacity: WORKER_CONCURRENCY=${n}, PROCESSING_DELAY_MS=${delayMs} (one generation of calls held through the window), lock ${LOCK_DURATION_MS / 1000} s`,
      backlog
        ? `${fmt.int(n)} webhooks accepted through the API (${fmt.int(intakeRun.ackPerSec)} ack/s) while the queue was paused; ${fmt.int(active)} jobs active ${fmt.s(rampMs)} after it was resumed`
        : `${fmt.int(n)} webhooks accepted through the API (${fmt.int(intakeRun.ackPerSec)} ack/s) into the live queue in chunks of ${fmt.int(LIVE_CHUNK)}, each sent once the worker had taken the previous ones; ${fmt.int(active)} jobs active ${fmt.s(rampMs)} after the first was sent`,
      `observed ${windowSec.toFixed(0)} s (${((windowSec * 1000) / LOCK_DURATION_MS).toFixed(1)}× the lock duration) with every job in flight, sampled every ${SAMPLE_EVERY_MS / 1000} s:`,
      table(
        [
          't',
          'active',
          'lock TTL left (min–max)',
          'locks missing',
          'renewed since last',
          'event loop p50 / p99 / max',
          'worker RSS',
          '/health/live',
          'Redis PING',
        ],
        rows,
      ),
      `stalled events: ${stalled.length}, failed: ${failed.length}${failed.length ? ` (${reasons(failed)})` : ''}, locks missing at any sample: ${missing}, smallest lock TTL seen: ${(minTtl / 1000).toFixed(1)} s`,
      `lock renewals: ${fmt.int(locks.renewals)} TTL refreshes seen in ${windowSec.toFixed(0)} s = ${renewalsPerJobMin.toFixed(2)} per job per minute${renewalCountNote}; Redis meanwhile ran ${fmt.int(calls('evalsha'))} EVALSHA and ${fmt.int(calls('set'))} SET (the renewal script SETs each lock; server-wide counts)`,
      `worker event loop (prom-client monitorEventLoopDelay, 10 ms resolution, so an idle loop reads ≈10 ms): idle ${lagText(idleLag)}; holding ${fmt.int(n)}: ${lagText(lag)} (median of the per-sample p50s, worst p99, worst max)`,
      `worker memory: ${fmt.mib(idle.rssMiB)} idle → ${fmt.mib(rss)} RSS with ${fmt.int(n)} calls in flight (peak ${fmt.mib(hwm)}), ≈ ${perCallKiB.toFixed(1)} KiB per in-flight call`,
      `Redis memory: used_memory ${fmt.mib(redisBefore / 2 ** 20)} before intake → ${fmt.mib(redisQueued / 2 ** 20)} queued → ${fmt.mib(redisHeld / 2 ** 20)} held = ${kib((redisHeld - redisBefore) / n)} per job (server-wide, other users included); sampled MEMORY USAGE per active job: hash ${jobBytes.hash.toFixed(0)} B + lock ${jobBytes.lock.toFixed(0)} B (${jobBytes.jobs} jobs)`,
      `CPU while holding (% of one core over the window): worker ${cpuPct('worker').toFixed(1)}%, Redis ${cpuPct('redis').toFixed(1)}%, PostgreSQL ${cpuPct('postgres').toFixed(1)}%, everything else ${cpuPct('other').toFixed(1)}% (machine load ${require('node:os').loadavg()[0].toFixed(2)})`,
      `worker warnings/errors: ${problems.total} (${problems.summary})`,
      `verdict: ${verdict ? `holds ${fmt.int(n)} concurrent calls with no stall and no lost lock renewal` : 'NOT met (see above)'}`,
    ].join('\n');
    return {
      text,
      figures: {
        n,
        rampMs,
        rss,
        idle: idle.rssMiB,
        perCallKiB,
        stalled: stalled.length,
        minTtl,
        renewals: locks.renewals,
        lag,
        idleLag,
        jobBytes,
        verdict,
      },
    };
  } finally {
    await events.close();
    await queue.close();
    await children.kill(worker); // a graceful stop would wait for every simulated call to finish
    await children.kill(api);
  }
}

module.exports = { capacity };
