'use strict';
// Summarises a V8 .cpuprofile (node --cpu-prof): where the busy time goes, by layer, package and
// function, self and inclusive. Usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top] [last-seconds]
const fs = require('node:fs');
const path = require('node:path');

const IDLE = new Set(['(idle)']);
/**
 * Native leaves that are socket syscalls. Their sampled time is mostly not CPU: on a busy 2-core
 * machine, writing to PostgreSQL or Redis wakes that process and this thread is often descheduled
 * inside the syscall. They are reported apart, and percentages are of the rest ("JS busy").
 */
const IO_LEAVES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString', 'shutdown', 'close']);

/** Which package (or part of the service) a frame belongs to. */
function category(frame) {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const lib = /\/(libs|apps)\/([^/]+)\//.exec(url);
  return lib ? `service:${lib[1]}/${lib[2]}` : path.basename(url);
}

/** Packages grouped into the layers a webhook passes through; anything unlisted is "other". */
const LAYERS = [
  ['Node core (HTTP parser, sockets, timers)', /^\(root\)$/],
  [
    'Express, router, Nest',
    /^(express|router|@nestjs\/(core|common|platform-express)|rxjs|path-to-regexp|finalhandler|parseurl|encodeurl|etag|fresh|send|on-finished|statuses|vary|depd|merge-descriptors)$/,
  ],
  [
    'body reading and JSON',
    /^(body-parser|raw-body|content-type|type-is|mime-types|media-typer|iconv-lite|bytes|http-errors|unpipe|service:libs\/http)$/,
  ],
  ['validation', /^(class-validator|class-transformer|validator|libphonenumber-js|service:libs\/(webhooks|money))$/],
  [
    'logging',
    /^(pino|pino-http|nestjs-pino|@pinojs\/.*|fast-redact|sonic-boom|pino-std-serializers|quick-format-unescaped|atomic-sleep|on-exit-leak-free|thread-stream|safe-stable-stringify)$/,
  ],
  ['metrics', /^(prom-client|tdigest|bintrees|service:libs\/observability)$/],
  ['security middleware', /^(helmet|service:libs\/security)$/],
  [
    'PostgreSQL client (TypeORM, pg)',
    /^(typeorm|pg|pg-pool|pg-protocol|pg-types|postgres-.*|packet-reader|service:libs\/(transactions|database|ledger))$/,
  ],
  [
    'queue client (BullMQ, ioredis)',
    /^(bullmq|ioredis|msgpackr|cluster-key-slot|standard-as-callback|denque|redis-errors|redis-parser|lodash\..*|service:libs\/(queue|processing))$/,
  ],
  ['garbage collection', /^\(garbage collector\)$/],
  ['service bootstrap and controllers', /^service:apps\/server$/],
];

function layerOf(pkg) {
  const found = LAYERS.find(([, pattern]) => pattern.test(pkg));
  return found ? found[0] : 'other';
}

function label(frame) {
  const where = frame.url ? `${category(frame)} ${path.basename(frame.url)}:${frame.lineNumber + 1}` : category(frame);
  return `${frame.functionName || '(anonymous)'}  [${where}]`;
}

/** `windowMs`: only the last windowMs of the profile (leaves out boot and warm-up). */
function summarise(profile, top = 25, windowMs = Infinity) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);

  const self = new Map();
  const inclusive = new Map();
  const pkgSelf = new Map();
  const pkgInclusive = new Map();
  const charged = new Map();
  let busy = 0;
  let idle = 0;
  let io = 0;
  const add = (map, key, us) => map.set(key, (map.get(key) || 0) + us);

  const layers = new Map();
  const from = profile.endTime - windowMs * 1000;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) return;
    const us = profile.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time spent in it
    const frame = byId.get(id).callFrame;
    if (IDLE.has(frame.functionName)) {
      idle += us;
      return;
    }
    if (!frame.url && IO_LEAVES.has(frame.functionName)) {
      io += us;
      return;
    }
    busy += us;
    add(self, label(frame), us);
    add(pkgSelf, category(frame), us);
    // Node internals and natives (JSON, crypto, streams) charged to the nearest package that called them.
    let payer = category(frame);
    for (let cur = id; cur !== undefined && /^(node:internal|\(native\))$/.test(payer); cur = parent.get(cur)) {
      payer = category(byId.get(cur).callFrame);
    }
    add(charged, payer, us);
    add(layers, layerOf(payer), us);
    const seenFn = new Set();
    const seenPkg = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (f.functionName === '(root)') continue;
      seenFn.add(label(f));
      seenPkg.add(category(f));
    }
    for (const key of seenFn) add(inclusive, key, us);
    for (const key of seenPkg) add(pkgInclusive, key, us);
  });

  const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const rows = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  return [
    `sampled ${((busy + io + idle) / 1e6).toFixed(1)} s: JS busy ${(busy / 1e6).toFixed(1)} s, socket syscalls ${(io / 1e6).toFixed(1)} s (writev etc.: mostly descheduled time, left out below), idle ${(idle / 1e6).toFixed(1)} s`,
    'percentages are of JS busy time (GC included)',
    'by layer (Node internals and natives charged to the package that called them):',
    ...rows(layers, LAYERS.length + 1),
    'by package, charged the same way:',
    ...rows(charged, 25),
    'self time by package:',
    ...rows(pkgSelf, 15),
    'time with the package on the stack (inclusive):',
    ...rows(pkgInclusive, 15),
    `top ${top} functions by self time:`,
    ...rows(self, top),
    `top ${top} functions by inclusive time:`,
    ...rows(inclusive, top),
  ].join('\n');
}

if (require.main === module) {
  const [file, top, windowSec] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top] [last-seconds]\n');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  process.stdout.write(`${summarise(profile, Number(top) || 25, windowSec ? Number(windowSec) * 1000 : Infinity)}\n`);
}

module.exports = { summarise };
