'use strict';
// CPU seconds spent by every process on the machine between two snapshots, grouped: the process
// under test, PostgreSQL, Redis, the load generator (this process) and everything else. Tells
// which component a request's cost lands in, on a machine where all of them share two cores.
const fs = require('node:fs');

function snapshot() {
  const procs = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), { comm, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // exited meanwhile
    }
  }
  return { at: Date.now(), procs };
}

/** `named`: { label: pid } for processes of interest; the rest is grouped by command name. */
function delta(before, after, named = {}) {
  const labelOf = new Map(Object.entries(named).map(([label, pid]) => [pid, label]));
  labelOf.set(process.pid, 'load generator');
  const groups = {};
  for (const [pid, { comm, cpu }] of after.procs) {
    const prev = before.procs.get(pid);
    const used = cpu - (prev && prev.comm === comm ? prev.cpu : 0);
    if (used <= 0) continue;
    const label = labelOf.get(pid) ?? (comm === 'postgres' ? 'postgres' : comm === 'redis-server' ? 'redis' : 'other');
    groups[label] = (groups[label] || 0) + used;
  }
  return { seconds: (after.at - before.at) / 1000, groups };
}

module.exports = { snapshot, delta };
