import { type Exit } from '../support/processes/managed-process';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { deliver, deliverUntilAccepted, makePayloads } from '../support/webhooks';

/**
 * The contract wants the 202 "well under 500 ms". While Redis is frozen the enqueue is skipped
 * or cut off (250 ms at most), so an ack costs what it costs anyway; 1 s leaves this loaded,
 * shared 2-core machine room without letting a wait on Redis (seconds, or forever) through.
 */
const FROZEN_ACK_BOUND_MS = 1000;
/** The contract's bound for probes and the dashboard's API while a dependency is unavailable. */
const UNAVAILABLE_ANSWER_BOUND_MS = 5000;
/** Long enough that the workers hold their calls when Redis freezes. */
const CALL_MS = 5000;
/** SIGTERM: the calls in hand, then 10 s for everything else. */
const SHUTDOWN_BOUND_MS = CALL_MS + 10_000;
/** How long the test waits before calling a shutdown hung (and killing it). */
const SHUTDOWN_CEILING_MS = SHUTDOWN_BOUND_MS + 30_000;

interface Answer {
  status: number;
  ms: number;
  contentType: string | null;
  body: unknown;
}

async function timedGet(url: string): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the failure message
    }
    return { status: res.status, ms: Date.now() - started, contentType: res.headers.get('content-type'), body };
  } catch (error) {
    return { status: 0, ms: Date.now() - started, contentType: null, body: (error as Error).message };
  }
}

/** SIGTERM, and how long the exit took; a process still running at the ceiling is SIGKILLed and reported as hung. */
async function terminateTimed(paycheck: PaycheckProcess): Promise<{ label: string; exit: Exit | 'hung'; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    paycheck.terminate(),
    new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), SHUTDOWN_CEILING_MS))),
  ]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (exit === 'hung') await paycheck.kill();
  return { label: `${paycheck.role}:${paycheck.port}`, exit, ms };
}

describe('Redis frozen (SIGSTOP): a partition from a managed Redis', () => {
  let scenario: Scenario;
  let apis: PaycheckProcess[];
  let workers: PaycheckProcess[];

  beforeAll(async () => {
    scenario = await Scenario.create('redis-frozen');
    apis = await Promise.all([scenario.start('api'), scenario.start('api')]);
    const policy = { PROCESSING_DELAY_MS: String(CALL_MS) };
    workers = await Promise.all([scenario.start('worker', policy), scenario.start('worker', policy)]);
    // Calls in hand when Redis freezes.
    const inHand = makePayloads(10, 'frozen_in_hand');
    for (const payload of inHand) {
      await deliverUntilAccepted(apis[0].url, payload);
      scenario.acknowledge(payload);
    }
    await waitFor(
      'the workers to hold the jobs',
      () => scenario.queue.getJobCounts('active'),
      (c) => c.active === inHand.length,
    );
    scenario.redis.freeze();
  });

  afterAll(async () => {
    scenario?.redis.thaw();
    await scenario?.close();
  });

  it('acknowledges webhooks with 202 within 1 s and recognises replays while Redis is frozen', async () => {
    const payloads = makePayloads(40, 'frozen');
    // Half at once, half one after another: both the burst and the steady state are measured.
    const burst = await Promise.all(payloads.slice(0, 20).map((payload, i) => deliver(apis[i % 2].url, payload)));
    const steady = [];
    for (const [i, payload] of payloads.slice(20).entries()) steady.push(await deliver(apis[i % 2].url, payload));
    const answers = [...burst, ...steady];
    expect(answers.map((a) => a.status)).toEqual(payloads.map(() => 202));
    payloads.forEach((payload) => scenario.acknowledge(payload));
    const again = await deliver(apis[1].url, payloads[0]);
    expect([again.status, again.replayed]).toEqual([202, true]);

    const slowest = Math.max(...answers.map((a) => a.ms));
    process.stdout.write(
      `[faults] 202 while Redis is frozen: burst slowest ${Math.max(...burst.map((a) => a.ms))} ms, sequential slowest ${Math.max(...steady.map((a) => a.ms))} ms\n`,
    );
    expect(slowest).toBeLessThan(FROZEN_ACK_BOUND_MS);
  });

  it('answers /health/ready 503 within 5 s on every role', async () => {
    const answers = await Promise.all([...apis, ...workers].map((p) => timedGet(`${p.url}/health/ready`)));
    process.stdout.write(`[faults] /health/ready while Redis is frozen: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}\n`);
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(UNAVAILABLE_ANSWER_BOUND_MS);
      expect(answer.body).toMatchObject({ error: { redis: { status: 'down' } } });
    }
  });

  it("answers the queue dashboard's API with a 503 problem within 5 s", async () => {
    const answers = await Promise.all(
      apis.map((api) => timedGet(`${api.url}/admin/queues/api/queues?activeQueue=settlement&status=latest&page=1&jobsPerPage=10`)),
    );
    process.stdout.write(
      `[faults] /admin/queues/api/queues while Redis is frozen: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}\n`,
    );
    for (const answer of answers) {
      expect([answer.status, answer.contentType]).toEqual([503, expect.stringContaining('application/problem+json')]);
      expect(answer.body).toMatchObject({ status: 503 });
      expect(answer.ms).toBeLessThan(UNAVAILABLE_ANSWER_BOUND_MS);
    }
  });

  it('exits 0 on SIGTERM, every role, within the calls in hand + 10 s', async () => {
    const exits = await Promise.all([...apis, ...workers].map((p) => terminateTimed(p)));
    process.stdout.write(
      `[faults] SIGTERM while Redis is frozen: ${exits.map((e) => `${e.label} ${JSON.stringify(e.exit)} in ${e.ms} ms`).join(', ')}\n`,
    );
    for (const { label, exit, ms } of exits) {
      expect({ label, exit }).toEqual({ label, exit: { code: 0, signal: null } });
      expect(ms).toBeLessThan(SHUTDOWN_BOUND_MS);
    }
  });

  it('settles everything acknowledged exactly once after the thaw, with fresh processes', async () => {
    scenario.redis.thaw();
    const [api] = await Promise.all([scenario.start('api'), scenario.start('worker')]);
    await scenario.untilProcessed();
    await expectLedgerConsistent(scenario.db, api.url, scenario.acknowledged);
  });
});
