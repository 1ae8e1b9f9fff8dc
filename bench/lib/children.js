'use strict';
// Child processes of one bench run: every one is tracked and killed when the run ends, however it ends.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const live = new Set();

function start(name, args, { env = {}, cwd, logDir }) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const child = {
    name,
    proc,
    pid: proc.pid,
    logFile,
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  live.add(child);
  child.exited.then(() => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the child has not exited within graceMs. */
async function stop(child, graceMs = 10000) {
  if (!live.has(child)) return child.exited;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

function kill(child) {
  if (live.has(child)) child.proc.kill('SIGKILL');
  return child.exited;
}

function killAllNow() {
  for (const child of live) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

function logTail(child, lines = 15) {
  try {
    return fs.readFileSync(child.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
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

/** Resolves once `url` answers 200; rejects (with the child's log tail) if the child dies or time runs out. */
async function waitForHttp(child, url, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  child.exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`${child.name} exited during start-up:\n${logTail(child)}`);
    if ((await httpGet(url)).status === 200) return;
    if (Date.now() > deadline) throw new Error(`${child.name} not ready within ${timeoutMs} ms:\n${logTail(child)}`);
    await sleep(200);
  }
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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = require('node:net').createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { start, stop, kill, killAllNow, waitForHttp, httpGet, memoryOf, cpuSecondsOf, freePort, sleep, logTail };
