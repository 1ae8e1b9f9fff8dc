'use strict';
// Work for the worker scenarios, sent through the service's own API so rows and jobs are exactly
// what intake makes of a webhook, whatever intake's internals become.
const { Queue } = require('bullmq');
const { fire, webhookBody } = require('./load');
const { SETTLEMENT_QUEUE } = require('./queue-contract');
const stores = require('./stores');

function openQueue(prefix) {
  return new Queue(SETTLEMENT_QUEUE, { connection: stores.queueConnection(), prefix });
}

/** Sends `n` new webhooks (`label`_(after+1)..(after+n)) crediting `destination`; resolves with the intake run. */
async function sendWebhooks(apiUrl, label, n, destination, connections = 50, after = 0) {
  let i = after;
  const run = await fire(apiUrl, () => webhookBody(label, ++i, destination), { connections: Math.min(connections, n), amount: n });
  if (run.errors > 0) throw new Error(`${run.errors} of ${n} webhooks were not accepted`);
  return run;
}

module.exports = { openQueue, sendWebhooks, processedCount: stores.processedCount };
