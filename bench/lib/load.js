'use strict';
// Closed-loop HTTP load with autocannon, one fresh webhook body per request, from one thread or
// from several (autocannon's worker threads, each with its own share of the connections).
const path = require('node:path');
const { createHmac } = require('node:crypto');
const autocannon = require('autocannon');
const harness = require('./harness');

const PATH = '/v1/webhooks/transactions';
const STRIPE_PATH = '/v1/webhooks/stripe';
const HEADERS = { 'content-type': 'application/json' };
/** What each load-generator thread requires to build its requests (a function cannot cross threads). */
const THREAD_REQUEST_MODULE = path.join(__dirname, 'load-thread-request.js');
let threadedRuns = 0;

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
 * Options: connections, duration (s) or amount (requests), overallRate (requests/s; default: as fast as answered),
 * threads (load-generator threads, default 1; above 1 the connections are split between them and
 * `nextBody` must be one of the generators below, rebuilt in each thread under a label of its own).
 */
function fire(url, nextBody, { connections = 50, duration, amount, timeout = 10, overallRate, threads = 1 }) {
  const request = { method: 'POST', path: PATH, headers: HEADERS };
  if (threads > 1) {
    if (!nextBody.spec) throw new Error('fire: several threads need a body generator from bench/lib/load.js');
    // A label per run and thread: every request is still a new transaction (or the same redeliveries).
    Object.assign(request, { setupRequest: THREAD_REQUEST_MODULE, generator: { ...nextBody.spec, run: ++threadedRuns } });
  } else {
    request.setupRequest = (req) => withDelivery(req, nextBody());
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        ...(threads > 1 ? { workers: threads } : {}),
        ...(amount ? { amount } : { duration }),
        ...(overallRate ? { overallRate } : {}),
        timeout,
        requests: [request],
      },
      (error, result) => (error ? reject(error) : resolve(summarise(result))),
    );
    instance.on('error', reject);
  });
}

/** A generator gives a body (native route) or a whole delivery: { path, body, headers }. */
function withDelivery(req, next) {
  if (typeof next === 'string') return { ...req, body: next };
  return { ...req, path: next.path, body: next.body, headers: { ...req.headers, ...next.headers } };
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
  next.spec = { kind: 'new', label };
  return next;
}

function redeliveries(label, howMany) {
  let n = 0;
  const bodies = Array.from({ length: howMany }, (_, i) => webhookBody(label, i + 1));
  const next = () => bodies[n++ % bodies.length];
  next.spec = { kind: 'redeliveries', label, howMany };
  return next;
}

/** A Stripe payment_intent.succeeded event for sequence number n: a new payment each, amount in paise. */
function stripeEventBody(label, n) {
  return harness.stripePaymentEvent(`pi_${label}_${n}`, `cus_${n % 5000}`, (n % 9_999_999) + 100, `evt_${label}_${n}`);
}

/** Stripe-Signature as Stripe computes it: HMAC-SHA256 of "<t>.<body>" keyed with the whsec_ string. */
function stripeSignature(body, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  return `t=${nowSeconds},v1=${createHmac('sha256', secret).update(`${nowSeconds}.${body}`).digest('hex')}`;
}

/** Signed deliveries to the Stripe route, a new payment per call. */
function stripeDeliveries(label, secret) {
  let n = 0;
  const next = () => {
    const body = stripeEventBody(label, ++n);
    return { path: STRIPE_PATH, body, headers: { 'stripe-signature': stripeSignature(body, secret) } };
  };
  next.count = () => n;
  next.spec = { kind: 'stripe', label, secret };
  return next;
}

/** The generator a `spec` describes, in a load-generator thread: new transactions get the thread's own label. */
function generatorFor(spec, thread) {
  const own = `${spec.label}_r${spec.run}t${thread}`;
  if (spec.kind === 'new') return newBodies(own);
  if (spec.kind === 'stripe') return stripeDeliveries(own, spec.secret);
  if (spec.kind === 'redeliveries') return redeliveries(spec.label, spec.howMany);
  throw new Error(`unknown body generator "${spec.kind}"`);
}

module.exports = {
  PATH,
  STRIPE_PATH,
  webhookBody,
  fire,
  generatorFor,
  newBodies,
  redeliveries,
  stripeDeliveries,
  stripeSignature,
  withDelivery,
};
