'use strict';
// What the bench and the floor put on the queue, taken from the built service where it is exported,
// so seeded jobs look exactly like intake's. The job options are not exported by @app/queue: they
// mirror libs/queue/src/queue.module.ts, and the intake scenario checks a floor job against a
// service job at run time (sameJobOptions) so a drift shows up as a failed check, not a skewed ratio.
const path = require('node:path');

const built = require(path.join(__dirname, '..', '.build', 'service', 'libs', 'queue', 'src', 'settlement-job.js'));

const JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

module.exports = {
  SETTLEMENT_QUEUE: built.SETTLEMENT_QUEUE,
  SETTLE_JOB: built.SETTLE_JOB,
  settlementJobId: built.settlementJobId,
  JOB_OPTIONS,
};
