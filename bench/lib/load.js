'use strict';
// Closed-loop HTTP load with autocannon, one fresh webhook body per request.
const autocannon = require('autocannon');
const harness = require('./harness');

const PATH = '/v1/webhooks/transactions';
const HEADERS = { 'content-type': 'application/json' };

/** The webhook for sequence number n under `label`: deterministic, so a redelivery is byte-identical. */
function webhookBody(label, n, destination) {
  return JSON.stringify(
    harness.webhookBody({
      transaction_id: `${label}_${n}`,
      source_account: `user_${n % 5000}`,
      destination_account: destination ?? `merchant_${n % 50}`,
      amount: Number(`${(n % 99_999) + 1}.${String(n % 100).padStart(2, '0')}`),
      currency: 'INR',
    }),
  );
}

/**
 * Runs autocannon against `url`; `nextBody()` gives each request its body.
 * Options: connections, duration (s) or amount (requests), overallRate (requests/s; default: as fast as answered).
 */
function fire(url, nextBody, { connections = 50, duration, amount, timeout = 10, overallRate }) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        ...(amount ? { amount } : { duration }),
        ...(overallRate ? { overallRate } : {}),
        timeout,
        requests: [{ method: 'POST', path: PATH, headers: HEADERS, setupRequest: (req) => ({ ...req, body: nextBody() }) }],
      },
      (error, result) => (error ? reject(error) : resolve(summarise(result))),
    );
    instance.on('error', reject);
  });
}

function summarise(result) {
  const ok = result['2xx'];
  return {
    ackPerSec: ok / result.duration,
    total: result.requests.total,
    ok,
    errors: result.errors + result.timeouts + result.non2xx,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    durationSec: result.duration,
  };
}

/** Body generators: every call a new transaction, or cycling over `pool` already-accepted ones. */
function newBodies(label) {
  let n = 0;
  const next = () => webhookBody(label, ++n);
  next.count = () => n;
  return next;
}

function redeliveries(label, howMany) {
  let n = 0;
  const bodies = Array.from({ length: howMany }, (_, i) => webhookBody(label, i + 1));
  return () => bodies[n++ % bodies.length];
}

module.exports = { PATH, webhookBody, fire, newBodies, redeliveries };
