'use strict';
// Starts the built service (any role) or the floor as child processes of the bench, through the
// same launcher as the e2e and fault suites (test/support/processes).
const fs = require('node:fs');
const path = require('node:path');
const { ManagedProcess, PaycheckProcess, builtEntry, freePort, waitFor } = require('./harness');
const { httpGet } = require('./children');
const { DATABASE_URL, REDIS_URL } = require('./stores');

const REGISTER_BUILD_PATHS = path.join(__dirname, 'register-build-paths.js');
/** The floor is a single small file: it answers within seconds or not at all. */
const FLOOR_BOOT_TIMEOUT_MS = 30_000;

function startService(ctx, { name, role, prefix, env = {}, nodeFlags = [] }) {
  fs.mkdirSync(ctx.logDir, { recursive: true });
  return PaycheckProcess.launch(
    { APP_ROLE: role, DATABASE_URL, REDIS_URL, QUEUE_PREFIX: prefix, ...env },
    { label: name, folder: ctx.logDir, entry: builtEntry(ctx.build.main, [REGISTER_BUILD_PATHS]), nodeFlags },
  );
}

/** The floor, shaped like a PaycheckProcess (url, pid, logFile, terminate, kill) for the scenarios. */
async function startFloor(ctx, { name = 'floor', prefix, poolMax = 20, nodeFlags = [] }) {
  fs.mkdirSync(ctx.logDir, { recursive: true });
  const port = await freePort();
  const proc = new ManagedProcess(
    name,
    process.execPath,
    [...nodeFlags, path.join(__dirname, '..', 'floor-server.js')],
    path.join(ctx.logDir, `${name}-${port}.log`),
    {
      cwd: ctx.root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DATABASE_URL,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        FLOOR_POOL_MAX: String(poolMax),
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const status = await waitFor(
    `${name} to answer`,
    async () => (proc.running ? (await httpGet(url)).status : -1),
    (s) => s === 200 || s === -1,
    FLOOR_BOOT_TIMEOUT_MS,
  );
  if (status !== 200) throw new Error(`${name} exited during start-up:\n${proc.logTail()}`);
  return { url, pid: proc.pid, logFile: proc.logFile, process: proc, terminate: (ms) => proc.terminate(ms), kill: () => proc.kill() };
}

module.exports = { startService, startFloor };
