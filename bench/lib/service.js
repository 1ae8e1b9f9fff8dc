'use strict';
// Starts the built service (any role) or the floor as child processes of the bench.
const path = require('node:path');
const children = require('./children');
const { serviceArgs } = require('./build');
const { DATABASE_URL, REDIS_URL } = require('./stores');

async function startService(ctx, { name, role, prefix, env = {}, nodeFlags = [] }) {
  const port = await children.freePort();
  const child = children.start(name, serviceArgs(ctx.build, nodeFlags), {
    cwd: ctx.root,
    logDir: ctx.logDir,
    env: {
      APP_ROLE: role,
      PORT: String(port),
      DATABASE_URL,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ...env,
    },
  });
  child.url = `http://127.0.0.1:${port}`;
  await children.waitForHttp(child, `${child.url}/health/live`, 90_000);
  return child;
}

async function startFloor(ctx, { name = 'floor', prefix, poolMax = 20, nodeFlags = [] }) {
  const port = await children.freePort();
  const child = children.start(name, [...nodeFlags, path.join(__dirname, '..', 'floor-server.js')], {
    cwd: ctx.root,
    logDir: ctx.logDir,
    env: { PORT: String(port), DATABASE_URL, REDIS_URL, QUEUE_PREFIX: prefix, FLOOR_POOL_MAX: String(poolMax) },
  });
  child.url = `http://127.0.0.1:${port}`;
  await children.waitForHttp(child, child.url, 30_000);
  return child;
}

module.exports = { startService, startFloor };
