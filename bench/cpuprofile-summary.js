'use strict';
// Summarises a V8 .cpuprofile (node --cpu-prof): where the busy time goes, by package and by
// function, self and inclusive. Usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top]
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

function label(frame) {
  const where = frame.url ? `${category(frame)} ${path.basename(frame.url)}:${frame.lineNumber + 1}` : category(frame);
  return `${frame.functionName || '(anonymous)'}  [${where}]`;
}

function summarise(profile, top = 25) {
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

  profile.samples.forEach((id, i) => {
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
    'self time by package:',
    ...rows(pkgSelf, 15),
    'self time by package, Node internals and natives charged to the package that called them:',
    ...rows(charged, 20),
    'time with the package on the stack (inclusive):',
    ...rows(pkgInclusive, 15),
    `top ${top} functions by self time:`,
    ...rows(self, top),
    `top ${top} functions by inclusive time:`,
    ...rows(inclusive, top),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarise(JSON.parse(fs.readFileSync(file, 'utf8')), Number(top) || 25)}\n`);
}

module.exports = { summarise };
