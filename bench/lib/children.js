'use strict';
// The bench's child processes: started by service.js through the test harness (which tracks every
// one and kills it when the run ends, however it ends), measured here from /proc.
const fs = require('node:fs');
const http = require('node:http');
const { killAllNow } = require('./harness');

/** SIGTERM, then SIGKILL if the child has not exited within graceMs. */
function stop(child, graceMs = 10000) {
  return child.terminate(graceMs);
}

function kill(child) {
  return child.kill();
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

/** Resident and peak resident memory in MiB, from /proc (Linux). */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status) || [])[1] || 0);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: 0, hwmMiB: 0 };
  }
}

/** User+system CPU seconds consumed so far by a process, from /proc/<pid>/stat. */
function cpuSecondsOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { stop, kill, killAllNow, httpGet, memoryOf, cpuSecondsOf, sleep };
