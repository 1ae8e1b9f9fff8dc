'use strict';
// The test suites' own helpers (test/support, TypeScript), compiled on load by ts-node (a
// devDependency, like everything the bench uses): the bench starts, waits for and stops the
// service, builds webhooks and finds the PostgreSQL server exactly as the e2e and fault suites do.
// transpileOnly: type checking is `npm run typecheck`'s job; loading stays well under a second.
const path = require('node:path');

const SUPPORT = path.join(__dirname, '..', '..', 'test', 'support');

require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });

module.exports = {
  ...require(path.join(SUPPORT, 'processes', 'paycheck-process')),
  ...require(path.join(SUPPORT, 'processes', 'managed-process')),
  ...require(path.join(SUPPORT, 'processes', 'resources')),
  ...require(path.join(SUPPORT, 'free-port')),
  ...require(path.join(SUPPORT, 'wait-for')),
  ...require(path.join(SUPPORT, 'webhooks')),
  ...require(path.join(SUPPORT, 'event-stream-reader')),
  ...require(path.join(SUPPORT, 'test-databases')),
  ...require(path.join(SUPPORT, 'test-redis')),
};
