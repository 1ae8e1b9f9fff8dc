'use strict';
// npm run bench [-- --only intake,capacity,hot,scale] [--profile] [--duration 10] ...; `npm run bench -- --help` lists every option.
// Builds the service, runs each scenario against its own database (paycheck_bench, re-created;
// BENCH_NAME names another) and queue prefixes (paycheck-bench-*), prints figures, and kills every child it started.
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { execFileSync } = require('node:child_process');
const { ROOT, buildService } = require('./lib/build');

const SCENARIOS = ['intake', 'capacity', 'hot', 'scale'];
/** Run only when named in --only: evidence for changes, not part of the standard report. */
const EXTRA_SCENARIOS = ['batching', 'stats', 'stream'];

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false, about: 'print this help and exit' },
  only: {
    type: 'string',
    default: SCENARIOS.join(','),
    about: `scenarios to run, comma-separated (${[...SCENARIOS, ...EXTRA_SCENARIOS].join(', ')})`,
  },
  source: { type: 'string', default: ROOT, shown: 'this checkout', about: 'checkout to build the service from (before/after figures)' },
  profile: { type: 'boolean', default: false, about: 'write CPU profiles of the intake runs' },
  connections: { type: 'string', default: '50', about: 'concurrent HTTP connections of the load generator' },
  duration: { type: 'string', default: '10', about: 'seconds per measured intake round' },
  warmup: { type: 'string', default: '3', about: 'seconds of warm-up before each round' },
  rounds: { type: 'string', default: '3', about: 'measured rounds per intake side' },
  'capacity-jobs': { type: 'string', default: '10000', about: 'webhooks queued for the capacity scenario' },
  'capacity-arrival': {
    type: 'string',
    default: 'backlog',
    about: 'capacity: "backlog" (queued while paused, released at once) or "live" (sent in chunks the worker takes as they come)',
  },
  observe: { type: 'string', default: '60', about: 'seconds the capacity scenario watches the worker' },
  'hot-payments': { type: 'string', default: '3000', about: 'payments to one merchant in the hot scenario' },
  'scale-jobs': { type: 'string', default: '8000', about: 'jobs drained per worker count in the scale scenario' },
  // 50: the workers are the bottleneck; 1000: the machine is (PostgreSQL, Redis and the workers share 2 cores).
  'scale-concurrency': { type: 'string', default: '50,1000', about: 'worker concurrencies to compare, comma-separated' },
  'scale-delay': { type: 'string', default: '200', about: 'simulated settlement delay (ms) in the scale scenario' },
  'stats-rows': { type: 'string', default: '1000000', about: 'transactions seeded for the stats scenario' },
  'stats-requests': { type: 'string', default: '200', about: 'timed GET /v1/stats requests in the stats scenario' },
  'stream-rate': { type: 'string', default: '1000', about: 'timeline events committed per second in the stream scenario' },
  'stream-seconds': { type: 'string', default: '10', about: 'seconds the stream scenario produces events' },
};
const NUMERIC = [
  'connections',
  'duration',
  'warmup',
  'rounds',
  'capacity-jobs',
  'observe',
  'hot-payments',
  'scale-jobs',
  'scale-delay',
  'stats-rows',
  'stats-requests',
  'stream-rate',
  'stream-seconds',
];

function usage() {
  const lines = Object.entries(OPTIONS).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    const fallback = o.type === 'string' ? ` (default: ${o.shown ?? o.default})` : '';
    return `  ${flag.padEnd(34)} ${o.about}${fallback}`;
  });
  return [
    'Usage: npm run bench [-- options]',
    '',
    'Builds the service, runs each scenario against its own database and queue prefixes, prints',
    'figures and kills every child it started. Uses the whole machine for several minutes.',
    '',
    'Options:',
    ...lines,
    '',
  ].join('\n');
}

/** Bad arguments: say which, print the usage, exit 2 (no stack trace, nothing started). */
function refuse(message) {
  process.stderr.write(`bench: ${message}\n\n${usage()}`);
  process.exit(2);
}

let args;
try {
  const options = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => [name, { type: o.type, default: o.default, ...(o.short ? { short: o.short } : {}) }]),
  );
  ({ values: args } = parseArgs({ options, strict: true, allowPositionals: false }));
} catch (error) {
  refuse(error.message);
}
if (args.help) {
  process.stdout.write(usage());
  process.exit(0);
}
for (const name of NUMERIC) {
  if (!(Number(args[name]) > 0)) refuse(`--${name} must be a positive number, not "${args[name]}"`);
}
const scaleConcurrencies = args['scale-concurrency'].split(',').map(Number);
if (!scaleConcurrencies.every((n) => Number.isInteger(n) && n > 0))
  refuse(`--scale-concurrency must list positive integers, not "${args['scale-concurrency']}"`);

if (!['backlog', 'live'].includes(args['capacity-arrival']))
  refuse(`--capacity-arrival must be backlog or live, not "${args['capacity-arrival']}"`);

const opts = {
  profile: args.profile,
  connections: Number(args.connections),
  duration: Number(args.duration),
  warmup: Number(args.warmup),
  rounds: Number(args.rounds),
  capacityJobs: Number(args['capacity-jobs']),
  capacityArrival: args['capacity-arrival'],
  observeSec: Number(args.observe),
  hotPayments: Number(args['hot-payments']),
  scaleJobs: Number(args['scale-jobs']),
  scaleConcurrencies,
  scaleDelayMs: Number(args['scale-delay']),
  statsRows: Number(args['stats-rows']),
  statsRequests: Number(args['stats-requests']),
  streamRate: Number(args['stream-rate']),
  streamSeconds: Number(args['stream-seconds']),
};
const only = args.only
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of only) {
  if (![...SCENARIOS, ...EXTRA_SCENARIOS].includes(name)) refuse(`--only: unknown scenario "${name}"`);
}

// Loaded after the arguments are accepted: these compile the test harness (ts-node).
const children = require('./lib/children');
const stores = require('./lib/stores');

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function versionOf(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function describeSource(source) {
  const rev = versionOf('git', ['-C', source, 'rev-parse', '--short', 'HEAD']);
  if (rev === 'unknown') return source;
  const dirty = versionOf('git', ['-C', source, 'status', '--porcelain', '--untracked-files=no', '--', 'apps', 'libs']) !== '';
  return `${source} at ${rev}${dirty ? ' plus uncommitted changes' : ''}`;
}

async function machine(ctx) {
  const { rows } = await ctx.pool.query('SHOW server_version');
  const redisInfo = await ctx.redis.info('server');
  return [
    `Machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `Node ${process.version}, PostgreSQL ${rows[0].server_version}, Redis ${(/redis_version:(\S+)/.exec(redisInfo) || [])[1]}`,
    `Load average at start: ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}; service built from ${describeSource(ctx.build.source)}`,
  ].join('\n');
}

async function main() {
  const started = Date.now();
  const source = path.resolve(args.source);
  log(`building the service from ${source} (tsc, as nest build)`);
  const build = buildService(source);
  const ctx = {
    root: ROOT,
    build,
    logDir: path.join(ROOT, 'bench', '.build', 'logs'),
    opts,
    log,
    prefixes: [],
    pool: undefined,
    redis: stores.redisClient(),
  };
  require('node:fs').rmSync(ctx.logDir, { recursive: true, force: true });
  const removed = await stores.deleteKeys(ctx.redis, `${stores.PREFIX_ROOT}-*`);
  if (removed > 0) log(`removed ${removed} Redis keys left by an earlier run`);
  await stores.dropBenchDatabase();

  const reports = [];
  try {
    // The first service to boot creates and migrates paycheck_bench.
    const { startService } = require('./lib/service');
    const migrator = await startService(ctx, { name: 'migrate', role: 'api', prefix: stores.newPrefix('migrate') });
    await children.stop(migrator);
    ctx.pool = stores.benchPool();
    reports.push(await machine(ctx));

    for (const name of only) {
      const fn = require(`./scenarios/${name}`)[name];
      log(`scenario ${name}`);
      const result = await fn(ctx);
      reports.push(result.text);
      process.stdout.write(`\n${result.text}\n`);
    }
  } finally {
    children.killAllNow();
    if (ctx.pool) await ctx.pool.end();
    for (const prefix of ctx.prefixes) await stores.deleteKeys(ctx.redis, `${prefix}:*`).catch(() => undefined);
    await stores.deleteKeys(ctx.redis, `${stores.PREFIX_ROOT}-*`).catch(() => undefined);
    ctx.redis.disconnect();
  }
  process.stdout.write(`\n${reports[0]}\nTotal bench time: ${((Date.now() - started) / 1000).toFixed(0)} s; child logs in ${ctx.logDir}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${error.stack || error.message}`);
    children.killAllNow();
    process.exit(1);
  },
);
