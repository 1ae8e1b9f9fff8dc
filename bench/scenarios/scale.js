'use strict';
// Scale-out: the same backlog drained by one worker process, then by two. The backlog is queued
// through the API while the queue is paused, so every worker is up before the clock starts.
const fs = require('node:fs');
const path = require('node:path');
const children = require('../lib/children');
const { summarise: summariseProfile } = require('../cpuprofile-summary');
const census = require('../lib/cpu-census');
const { problemsIn } = require('../lib/log-scan');
const { openQueue, sendWebhooks } = require('../lib/seed');
const { startService } = require('../lib/service');
const stores = require('../lib/stores');
const { fmt, table } = require('../lib/table');

async function drain(ctx, workers, n, scaleConcurrency) {
  const { scaleDelayMs } = ctx.opts;
  await stores.truncateAll(ctx.pool);
  const prefix = stores.newPrefix(`scale${workers}x${scaleConcurrency}`);
  ctx.prefixes.push(prefix);
  const queue = openQueue(prefix);
  const env = { DB_MIGRATIONS_RUN: 'false' };
  const started = [];
  try {
    await queue.pause();
    const api = await startService(ctx, { name: `scale${workers}-api`, role: 'api', prefix, env });
    started.push(api);
    const destination = `merchant_scale${workers}`;
    await sendWebhooks(api.url, `scale${workers}`, n, destination);
    await children.stop(api);
    // --profile: a CPU profile of the single worker at the highest concurrency, where it is busiest.
    const profileDir =
      ctx.opts.profile && workers === 1 && scaleConcurrency === Math.max(...ctx.opts.scaleConcurrencies)
        ? path.join(ctx.logDir, `profile-worker-${scaleConcurrency}`)
        : undefined;
    for (let i = 1; i <= workers; i++) {
      started.push(
        await startService(ctx, {
          name: `scale${workers}-worker${i}`,
          role: 'worker',
          prefix,
          env: { ...env, WORKER_CONCURRENCY: String(scaleConcurrency), PROCESSING_DELAY_MS: String(scaleDelayMs) },
          nodeFlags: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
        }),
      );
    }
    const pids = Object.fromEntries(started.slice(1).map((w, i) => [`worker ${i + 1}`, w.pid]));
    const before = census.snapshot();
    const t0 = Date.now();
    await queue.resume();
    let state = await stores.processedCount(ctx.pool, destination);
    while (state.processed + state.failed < n && Date.now() - t0 < 180_000) {
      await children.sleep(100);
      state = await stores.processedCount(ctx.pool, destination);
    }
    const ms = Math.max(1, state.last_processed_ms - t0);
    const cpu = census.delta(before, census.snapshot(), pids);
    const workerCpu = Object.keys(pids).map((k) => `${((100 * (cpu.groups[k] || 0)) / cpu.seconds).toFixed(0)}%`);
    const problems = started.slice(1).reduce((sum, w) => sum + problemsIn(w.logFile).total, 0);
    let profile;
    if (profileDir) {
      await children.stop(started[1], 15000);
      const file = fs.readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) profile = summariseProfile(JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')), 20, ms + 1000);
      profile = `CPU profile of the worker draining ${fmt.int(n)} jobs at concurrency ${scaleConcurrency} (${path.join(profileDir, file || '')}):\n${profile || 'none written'}`;
    }
    return {
      profile,
      workers,
      ms,
      processed: state.processed,
      rate: (1000 * state.processed) / ms,
      workerCpu: workerCpu.join(' + '),
      pgCpu: `${((100 * (cpu.groups.postgres || 0)) / cpu.seconds).toFixed(0)}%`,
      redisCpu: `${((100 * (cpu.groups.redis || 0)) / cpu.seconds).toFixed(0)}%`,
      problems,
    };
  } finally {
    await queue.close();
    for (const child of started) await children.kill(child);
  }
}

async function scale(ctx) {
  const { scaleJobs: n, scaleConcurrencies, scaleDelayMs } = ctx.opts;
  const rows = [];
  const figures = [];
  let allPosted = true;
  for (const concurrency of scaleConcurrencies) {
    const runs = [];
    for (const workers of [1, 2]) {
      ctx.log(`scale: ${n} jobs, ${workers} worker(s) at concurrency ${concurrency}`);
      runs.push(await drain(ctx, workers, n, concurrency));
    }
    const [one, two] = runs;
    const bound = (1000 * concurrency) / scaleDelayMs;
    for (const r of runs) {
      allPosted &&= r.processed === n;
      rows.push([
        concurrency,
        fmt.int(bound * r.workers),
        r.workers,
        fmt.s(r.ms),
        fmt.int(r.rate),
        fmt.ratio(r.rate / one.rate),
        r.workerCpu,
        r.pgCpu,
        r.redisCpu,
        r.problems,
      ]);
    }
    figures.push({ concurrency, one, two, speedup: two.rate / one.rate });
  }
  const text = [
    `Scale-out: a backlog of ${fmt.int(n)} jobs drained by one worker process, then two; PROCESSING_DELAY_MS=${scaleDelayMs}`,
    table(
      [
        'concurrency',
        'jobs/s bound',
        'workers',
        'drained in',
        'jobs/s',
        'speed-up',
        'worker CPU',
        'PostgreSQL CPU',
        'Redis CPU',
        'warnings',
      ],
      rows,
    ),
    'jobs/s bound: workers × WORKER_CONCURRENCY / delay, what the workers could do with unlimited CPU. CPU: share of one core',
    `over the drain (the machine has ${require('node:os').cpus().length}). Every job ${allPosted ? 'was' : 'was NOT'} posted in every run.`,
    ...figures.flatMap((f) => (f.one.profile ? ['', f.one.profile] : [])),
  ].join('\n');
  return { text, figures };
}

module.exports = { scale };
