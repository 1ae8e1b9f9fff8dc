'use strict';
// setupRequest of one autocannon worker thread (fire with threads > 1): builds this thread's own
// body generator from the spec the request carries, then gives each request its delivery.
const { threadId } = require('node:worker_threads');
const { generatorFor, withDelivery } = require('./load');

let next;

module.exports = (req) => {
  next ??= generatorFor(req.generator, threadId);
  return withDelivery(req, next());
};
