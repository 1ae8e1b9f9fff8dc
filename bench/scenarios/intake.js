'use strict';
// Intake: the floor and the service, alternately, under the same closed-loop load of new
// webhooks, from one and from two load-generator threads; then redeliveries to the service;
// optionally a CPU profile of each side.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const children = require('../lib/children');
const census = require('../lib/cpu-census');
const { fire, newBodies, redeliveries, stripeDeliveries } = require('../lib/load');
const { SETTLEMENT_QUEUE, settlementJobId } = require('../lib/queue-contract');
const { startFloor, startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, median, table } = require('../lib/table');
const { summarise: summariseProfile } = require('../cpuprofile-summary');

/** One measured run plus what it cost per ack: CPU by component, PostgreSQL commits, Redis calls. */
async function measured(ctx, child, bodies, seconds, threads = 1) {
  const [pgBefore, walBefore, redisBefore] = [
    await stores.pgCounters(ctx.pool),
    await stores.walBytes(ctx.pool),
    await stores.redisCommandStats(ctx.redis),
  ];
  const cpuBefore = census.snapshot();
  const run = await fire(child.url, bodies, { connections: ctx.opts.connections, duration: seconds, threads });
  const cpu = census.delta(cpuBefore, census.snapshot(), { server: child.pid });
  await children.sleep(1500); // PostgreSQL backends publish their statistics about once a second
  const pg = await stores.pgCounters(ctx.pool);
  const wal = await stores.walBytes(ctx.pool);
  const redis = stores.commandStatsDelta(redisBefore, await stores.redisCommandStats(ctx.redis));
  delete redis.info; // our own probes
  const redisCalls = Object.values(redis).reduce((sum, { calls }) => sum + calls, 0);
  const ok = Math.max(run.ok, 1);
  const perAck = (label) => (1000 * (cpu.groups[label] || 0)) / ok;
  return {
    ...run,
    load1: os.loadavg()[0],
    cpuMsPerAck: perAck('server'),
    pgCpuMsPerAck: perAck('postgres'),
    redisCpuMsPerAck: perAck('redis'),
    loadgenCpuMsPerAck: perAck('load generator'),
    otherCpuSec: cpu.groups.other || 0,
    pgCommitsPerAck: (pg.commits - pgBefore.commits) / ok,
    walBytesPerAck: (wal - walBefore) / ok,
    redisCallsPerAck: redisCalls / ok,
    redisTop: Object.entries(redis)
      .sort((a, b) => b[1].calls - a[1].calls)
      .slice(0, 4)
      .map(([cmd, { calls, usec }]) => `${cmd}×${(calls / ok).toFixed(2)} (${(usec / calls).toFixed(0)} µs)`)
      .join(', '),
  };
}

async function jobOptionsOf(prefix, jobId) {
  const queue = new Queue(SETTLEMENT_QUEUE, { connection: stores.queueConnection(), prefix });
  try {
    const job = await queue.getJob(jobId);
    if (!job) return undefined;
    const { jobId: _id, ...opts } = job.opts;
    return JSON.stringify({ name: job.name, dataFields: Object.keys(job.data).sort(), opts });
  } finally {
    await queue.close();
  }
}

/** CPU profile (--cpu-prof) of one side under the same load, summarised over the measured run only. */
async function profileSide(ctx, side, prefix) {
  const dir = path.join(ctx.logDir, `profile-${side}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const child =
    side === 'floor'
      ? await startFloor(ctx, { name: 'floor-profiled', prefix, nodeFlags })
      : await startService(ctx, { name: 'intake-api-profiled', role: 'api', prefix, nodeFlags });
  await fire(child.url, newBodies(`prof_${side}_warm`), { connections: ctx.opts.connections, duration: ctx.opts.warmup });
  const run = await fire(child.url, newBodies(`prof_${side}`), { connections: ctx.opts.connections, duration: ctx.opts.duration });
  await children.stop(child, 15000);
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return `no profile was written (see ${child.logFile})`;
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const summary = summariseProfile(profile, 25, (ctx.opts.duration + 1) * 1000);
  return `${side}: ${fmt.int(run.ackPerSec)} ack/s while profiled; ${path.join(dir, file)}\n${summary}`;
}

/** Enables the Stripe route on the measured service; the load generator signs with it. */
const BENCH_STRIPE_SECRET = 'whsec_benchStripeSigningSecret0123456789';

/** Load-generator thread counts compared: one autocannon thread, then two sharing the same connections. */
const THREAD_COUNTS = [1, 2];

const medianOf = (runs, key) => median(runs.map((r) => r[key]));
const medianRun = (runs) => ({
  ackPerSec: medianOf(runs, 'ackPerSec'),
  p50: medianOf(runs, 'p50'),
  p99: medianOf(runs, 'p99'),
  max: Math.max(...runs.map((r) => r.max)),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
  cpuMsPerAck: medianOf(runs, 'cpuMsPerAck'),
  pgCpuMsPerAck: medianOf(runs, 'pgCpuMsPerAck'),
  redisCpuMsPerAck: medianOf(runs, 'redisCpuMsPerAck'),
  loadgenCpuMsPerAck: medianOf(runs, 'loadgenCpuMsPerAck'),
  otherCpuSec: medianOf(runs, 'otherCpuSec'),
  pgCommitsPerAck: medianOf(runs, 'pgCommitsPerAck'),
  walBytesPerAck: medianOf(runs, 'walBytesPerAck'),
  redisCallsPerAck: medianOf(runs, 'redisCallsPerAck'),
});

const row = (label, r, ratioTo) => [
  label,
  fmt.int(r.ackPerSec),
  fmt.ms(r.p50),
  fmt.ms(r.p99),
  fmt.ms(r.max),
  r.errors,
  ratioTo ? fmt.ratio(r.ackPerSec / ratioTo) : '',
  r.cpuMsPerAck.toFixed(3),
  r.pgCpuMsPerAck.toFixed(3),
  r.redisCpuMsPerAck.toFixed(3),
  r.loadgenCpuMsPerAck.toFixed(3),
  `${r.otherCpuSec.toFixed(1)} s`,
];

/** Service and floor side by side, per load-generator thread count: throughput, p99, Node CPU per ack. */
function sideBySide(byThreads) {
  const rows = byThreads.map(({ threads, floor, service, stripe }) => [
    `${threads} thread${threads > 1 ? 's' : ''}`,
    fmt.int(floor.ackPerSec),
    fmt.int(service.ackPerSec),
    fmt.ratio(service.ackPerSec / floor.ackPerSec),
    fmt.ms(floor.p99),
    fmt.ms(service.p99),
    floor.cpuMsPerAck.toFixed(3),
    service.cpuMsPerAck.toFixed(3),
    fmt.ratio(service.cpuMsPerAck / floor.cpuMsPerAck),
    stripe.cpuMsPerAck.toFixed(3),
    fmt.ratio(stripe.cpuMsPerAck / floor.cpuMsPerAck),
  ]);
  return table(
    [
      'load gen',
      'floor ack/s',
      'service ack/s',
      'ratio',
      'floor p99',
      'service p99',
      'floor CPU ms/ack',
      'service CPU ms/ack',
      'CPU ratio',
      'stripe CPU ms/ack',
      'stripe CPU ratio',
    ],
    rows,
  );
}

/**
 * The intake inputs of the capacity model (docs/scaling.md), service side, medians: a new
 * transaction's ack enqueues exactly one job, so Redis commands per ack are per enqueued job.
 */
function modelInputs(byThreads) {
  const [one, two] = byThreads;
  const s = one.service;
  return [
    'Capacity-model inputs, intake (service, native route, medians of the 1-thread runs; 2-thread in brackets):',
    `- API Node CPU per ack: ${s.cpuMsPerAck.toFixed(3)} ms [${two.service.cpuMsPerAck.toFixed(3)}] → ${fmt.int(1000 / s.cpuMsPerAck)} acks/s per API core`,
    `- PostgreSQL per ack: ${s.pgCommitsPerAck.toFixed(3)} commits [${two.service.pgCommitsPerAck.toFixed(3)}], ${fmt.int(s.walBytesPerAck)} bytes of WAL [${fmt.int(two.service.walBytesPerAck)}], ${s.pgCpuMsPerAck.toFixed(3)} ms PostgreSQL CPU`,
    `- Redis per enqueued job: ${s.redisCallsPerAck.toFixed(2)} commands [${two.service.redisCallsPerAck.toFixed(2)}], ${s.redisCpuMsPerAck.toFixed(3)} ms Redis CPU`,
    `- Stripe route per ack: ${one.stripe.cpuMsPerAck.toFixed(3)} ms API CPU, ${one.stripe.pgCommitsPerAck.toFixed(3)} commits, ${one.stripe.redisCallsPerAck.toFixed(2)} Redis commands`,
    'WAL and Redis commands are server-wide counters: anything else using the same PostgreSQL or Redis during a run adds to them.',
  ].join('\n');
}

async function intake(ctx) {
  const { opts } = ctx;
  await stores.truncateAll(ctx.pool);
  const prefixes = { service: stores.newPrefix('svc'), floor: stores.newPrefix('floor') };
  ctx.prefixes.push(...Object.values(prefixes));
  const service = await startService(ctx, {
    name: 'intake-api',
    role: 'api',
    prefix: prefixes.service,
    env: { STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET },
  });
  const floor = await startFloor(ctx, { prefix: prefixes.floor });
  const sides = {
    floor: { child: floor, bodies: newBodies('floor_new') },
    service: { child: service, bodies: newBodies('svc_new') },
    // The same process's POST /v1/webhooks/stripe: signature check, mapping, then the same intake.
    stripe: { child: service, bodies: stripeDeliveries('svc_stripe', BENCH_STRIPE_SECRET) },
  };
  const runs = Object.fromEntries(THREAD_COUNTS.map((t) => [t, { floor: [], service: [], stripe: [] }]));

  ctx.log(
    `intake: warm-up ${opts.warmup} s each, then per load-generator thread count (${THREAD_COUNTS.join(', ')}) ${opts.rounds} × (floor, service, stripe route) × ${opts.duration} s at ${opts.connections} connections`,
  );
  for (const side of Object.values(sides))
    await fire(side.child.url, side.bodies, { connections: opts.connections, duration: opts.warmup });
  for (const threads of THREAD_COUNTS) {
    for (let round = 1; round <= opts.rounds; round++) {
      for (const [name, side] of Object.entries(sides)) {
        const run = await measured(ctx, side.child, side.bodies, opts.duration, threads);
        runs[threads][name].push(run);
        ctx.log(
          `  ${name} ${threads}T #${round}: ${fmt.int(run.ackPerSec)} ack/s, p99 ${fmt.ms(run.p99)}, CPU ${run.cpuMsPerAck.toFixed(3)} ms/ack, errors ${run.errors}, load ${run.load1.toFixed(2)}`,
        );
      }
    }
  }
  const duplicates = await measured(ctx, service, redeliveries('svc_new', 2000), opts.duration);
  ctx.log(`  service duplicates: ${fmt.int(duplicates.ackPerSec)} ack/s, p99 ${fmt.ms(duplicates.p99)}`);

  const floorOpts = await jobOptionsOf(prefixes.floor, settlementJobId('floor_new_1', 0));
  const serviceOpts = await jobOptionsOf(prefixes.service, settlementJobId('svc_new_1', 0));
  const sameJobOptions = floorOpts !== undefined && floorOpts === serviceOpts;

  const rows = [];
  const byThreads = THREAD_COUNTS.map((threads) => {
    const sideRuns = runs[threads];
    const floorMedian = medianOf(sideRuns.floor, 'ackPerSec');
    for (let i = 0; i < opts.rounds; i++) {
      rows.push(row(`floor ${threads}T #${i + 1}`, sideRuns.floor[i], floorMedian));
      rows.push(row(`service ${threads}T #${i + 1}`, sideRuns.service[i], floorMedian));
      rows.push(row(`stripe route ${threads}T #${i + 1}`, sideRuns.stripe[i], floorMedian));
    }
    const medians = { threads, floor: medianRun(sideRuns.floor), service: medianRun(sideRuns.service), stripe: medianRun(sideRuns.stripe) };
    rows.push(row(`floor ${threads}T (median)`, medians.floor, floorMedian));
    rows.push(row(`service ${threads}T (median)`, medians.service, floorMedian));
    rows.push(row(`stripe route ${threads}T (median)`, medians.stripe, floorMedian));
    return medians;
  });
  const one = byThreads[0];
  rows.push(row('service, duplicates (1T)', duplicates, one.service.ackPerSec));

  let text = [
    `Intake: ${opts.connections} connections, ${opts.duration} s per run, new transaction per request (duplicates: redeliveries of 2,000 accepted ones)`,
    table(
      ['run', 'ack/s', 'p50', 'p99', 'max', 'errors', 'ratio', 'CPU ms/ack: server', 'PostgreSQL', 'Redis', 'load gen', 'other procs'],
      rows,
    ),
    'ratio: to the floor median at the same thread count (duplicates: to the service median for new transactions). 1T, 2T: one or two',
    'load-generator threads sharing the same connections. "stripe route": the same service, POST /v1/webhooks/stripe with signed',
    'payment_intent.succeeded events (verify, map, then the same intake). CPU: user+system time per acknowledged webhook from /proc,',
    'by process; "other procs" is CPU used meanwhile by processes outside the bench (noise).',
    `PostgreSQL commits per ack (1T): floor ${one.floor.pgCommitsPerAck.toFixed(2)}, service ${one.service.pgCommitsPerAck.toFixed(2)}, stripe route ${one.stripe.pgCommitsPerAck.toFixed(2)}, duplicates ${duplicates.pgCommitsPerAck.toFixed(2)}.`,
    `Redis calls per ack (1T): floor ${one.floor.redisCallsPerAck.toFixed(2)} (${runs[1].floor.at(-1).redisTop}); service ${one.service.redisCallsPerAck.toFixed(2)} (${runs[1].service.at(-1).redisTop}); duplicates ${duplicates.redisCallsPerAck.toFixed(2)}.`,
    `Same BullMQ job name, data fields and options on both sides: ${sameJobOptions ? 'yes' : `NO (floor ${floorOpts}, service ${serviceOpts})`}`,
    '',
    "Service and floor side by side (medians): throughput, p99 and the Node process's CPU per acknowledged webhook",
    sideBySide(byThreads),
    '',
    modelInputs(byThreads),
  ].join('\n');

  await children.stop(service);
  await children.stop(floor);
  if (opts.profile) {
    for (const side of ['floor', 'service']) {
      ctx.log(`intake: profiling the ${side} (--cpu-prof)`);
      text += `\n\nCPU profile, ${await profileSide(ctx, side, prefixes[side])}`;
    }
  }
  return {
    text,
    figures: {
      byThreads,
      floor: one.floor,
      service: one.service,
      stripe: one.stripe,
      duplicates,
      ratio: one.service.ackPerSec / one.floor.ackPerSec,
      stripeRatio: one.stripe.ackPerSec / one.floor.ackPerSec,
      cpuRatio: one.service.cpuMsPerAck / one.floor.cpuMsPerAck,
      sameJobOptions,
    },
  };
}

module.exports = { intake };
