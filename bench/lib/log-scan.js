'use strict';
// What went wrong in a child's log: warn/error lines (JSON logs from pino or Nest) grouped by message.
const fs = require('node:fs');

/** `ignore`: expected warnings, e.g. the boot-time notice that WEBHOOK_SECRET/API_KEYS are unset. */
function problemsIn(logFile, top = 4, ignore = /is unset/) {
  const groups = new Map();
  let total = 0;
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    if (!/"level":("(warn|error|fatal)"|[4-6]0[,}])/.test(line) || ignore.test(line)) continue;
    total++;
    let msg = line;
    try {
      const entry = JSON.parse(line);
      msg = String(entry.msg ?? entry.message ?? line);
    } catch {
      // not JSON: keep the raw line
    }
    const key = msg.replace(/\b[\w.:-]*\d[\w.:-]*\b/g, '#').slice(0, 120); // ids and numbers vary
    groups.set(key, (groups.get(key) || 0) + 1);
  }
  const summary = [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([msg, count]) => `${count}× "${msg}"`)
    .join('; ');
  return { total, summary: summary || 'none' };
}

module.exports = { problemsIn };
