import { Queue } from 'bullmq';
import { type Cluster } from 'ioredis';
import { WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS } from '@app/processing';
import { createRedisClient, layoutQueueNames, settlementJobId, shardOf, shardQueueName } from '@app/queue';
import { expectLedgerConsistent } from '../support/ledger-check';
import { type PaycheckProcess } from '../support/processes/paycheck-process';
import { type PrivateRedisCluster } from '../support/private-redis-cluster';
import { Scenario } from '../support/scenario';
import { waitFor } from '../support/wait-for';
import { type WebhookPayload, deliver, deliverUntilAccepted, getJson, makePayloads } from '../support/webhooks';

const SHARDS = 4;
/** Every process of the suite: four shards, short calls. */
const CLUSTER_ENV = { QUEUE_SHARDS: String(SHARDS), PROCESSING_DELAY_MS: '50' };
const STORM_COPIES = 50;
const DISTINCT = 1000;
/** Deliveries in flight at once while sending the thousand, spread over both APIs. */
const SENDERS = 50;
const SIGKILLED = 30;
const RATE_LIMIT = 5;
const JOB_STATES = ['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized'] as const;

interface HealthBody {
  status: string;
  details: Record<string, { status: string; [detail: string]: unknown }>;
}

describe(`on a three-master Redis Cluster: two APIs, two workers, ${SHARDS} queue shards`, () => {
  let scenario: Scenario<PrivateRedisCluster>;
  let apis: PaycheckProcess[];
  let workers: PaycheckProcess[];
  /** Test-side views of the shard queues, over one cluster connection. */
  let connection: Cluster;
  let shards: Queue[];

  /** Boots one at a time: on a 2-core machine shared with other suites, four ts-node boots at once can outlast the boot deadline. */
  async function startEach(role: 'api' | 'worker', count: number, env: Record<string, string> = CLUSTER_ENV): Promise<PaycheckProcess[]> {
    const started: PaycheckProcess[] = [];
    for (let i = 0; i < count; i++) started.push(await scenario.start(role, env));
    return started;
  }

  beforeAll(async () => {
    scenario = await Scenario.createOnCluster('cluster');
    apis = await startEach('api', 2);
    workers = await startEach('worker', 2);
    connection = createRedisClient(scenario.redisTarget, { maxRetriesPerRequest: null }) as Cluster;
    shards = layoutQueueNames(SHARDS).map((name) => new Queue(name, { connection, prefix: scenario.queuePrefix }));
  });

  afterAll(async () => {
    await Promise.all((shards ?? []).map((queue) => queue.close().catch(() => undefined)));
    connection?.disconnect();
    await scenario?.close();
  });

  /** Job ids in each shard, whatever their state. */
  async function jobIdsByShard(): Promise<string[][]> {
    return Promise.all(shards.map(async (queue) => (await queue.getJobs([...JOB_STATES])).map((job) => job.id ?? '')));
  }

  async function activeJobs(): Promise<number> {
    const counts = await Promise.all(shards.map((queue) => queue.getJobCounts('active')));
    return counts.reduce((sum, c) => sum + (c.active ?? 0), 0);
  }

  function accept(payloads: WebhookPayload[]): void {
    payloads.forEach((payload) => scenario.acknowledge(payload));
  }

  it('turns a duplicate storm on both APIs into one row, one job and one posting', async () => {
    const [payload] = makePayloads(1, 'storm');
    const answers = await Promise.all(Array.from({ length: STORM_COPIES }, (_, i) => deliver(apis[i % 2].url, payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(STORM_COPIES).fill(202));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    accept([payload]);

    await scenario.untilProcessed();
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);
    const jobId = settlementJobId(payload.transaction_id, 0);
    const byShard = await jobIdsByShard();
    // One job, in the transaction's own shard, and no other anywhere.
    expect(byShard.map((ids) => ids.filter((id) => id === jobId).length)).toEqual(
      layoutQueueNames(SHARDS).map((name) => (name === shardQueueName(shardOf(payload.transaction_id, SHARDS), SHARDS) ? 1 : 0)),
    );
    expect(byShard.flat()).toEqual([jobId]);
  });

  it('settles a thousand distinct webhooks, spread over every shard, each posted once with exact balances', async () => {
    const payloads = makePayloads(DISTINCT, 'bulk');
    let next = 0;
    const sender = async () => {
      while (next < payloads.length) {
        const i = next++;
        await deliverUntilAccepted(apis[i % 2].url, payloads[i]);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    accept(payloads);

    await scenario.untilProcessed(scenario.acknowledged.size, 240_000);
    await expectLedgerConsistent(scenario.db, apis[1].url, scenario.acknowledged);
    const byShard = await jobIdsByShard();
    expect(byShard.flat().sort()).toEqual([...scenario.acknowledged.keys()].map((id) => settlementJobId(id, 0)).sort());
    for (const [shard, ids] of byShard.entries()) {
      const expected = [...scenario.acknowledged.keys()].filter((id) => shardOf(id, SHARDS) === shard).map((id) => settlementJobId(id, 0));
      expect({ shard, jobs: ids.sort() }).toEqual({ shard, jobs: expected.sort() });
      expect(ids.length).toBeGreaterThan(DISTINCT / SHARDS / 2); // no shard is starved by the hash
    }
  });

  it('loses nothing when a worker is SIGKILLed holding jobs: another takes them back and posts each once', async () => {
    // The two workers stop cleanly; the victim alone holds calls long enough to be killed mid-run.
    for (const worker of workers) expect(await worker.terminate()).toEqual({ code: 0, signal: null });
    const victim = await scenario.start('worker', { ...CLUSTER_ENV, PROCESSING_DELAY_MS: '60000' }, 'victim');
    const payloads = makePayloads(SIGKILLED, 'sigkill');
    await Promise.all(payloads.map((payload, i) => deliverUntilAccepted(apis[i % 2].url, payload)));
    accept(payloads);
    await waitFor('the victim to hold every job', activeJobs, (active) => active === SIGKILLED);

    expect((await victim.kill()).signal).toBe('SIGKILL');
    workers = await startEach('worker', 2);
    // Lock expiry plus one stall check, with room for a slow machine.
    await scenario.untilProcessed(scenario.acknowledged.size, 3 * (WORKER_LOCK_DURATION_MS + WORKER_STALLED_INTERVAL_MS));
    await expectLedgerConsistent(scenario.db, apis[0].url, scenario.acknowledged);
    // The killed attempt never finished, so it is not counted; every job is the original one, completed.
    const { rows } = await scenario.db.query<{ attempts: number }>(
      `SELECT DISTINCT attempts FROM transactions WHERE transaction_id = ANY($1)`,
      [payloads.map((p) => p.transaction_id)],
    );
    expect(rows).toEqual([{ attempts: 1 }]);
    const completed = (await Promise.all(shards.map((queue) => queue.getJobs(['completed'])))).flat().map((job) => job.id);
    for (const payload of payloads) expect(completed).toContain(settlementJobId(payload.transaction_id, 0));
  });

  it('keeps the queues on at least two masters, each shard whole on the master that owns its slot', async () => {
    const names = layoutQueueNames(SHARDS);
    const keysByNode = await scenario.redis.keysByNode(`${scenario.queuePrefix}:*`);
    const homes: number[] = [];
    for (const name of names) {
      const ofShard = (keys: string[]) => keys.filter((key) => key.startsWith(`${scenario.queuePrefix}:${name}:`));
      const nodes = [...keysByNode].filter(([, keys]) => ofShard(keys).length > 0);
      expect({ name, nodes: nodes.length }).toEqual({ name, nodes: 1 }); // every key of a shard on one node
      const [port, keys] = nodes[0];
      const slots = new Set(await scenario.redis.keySlots(ofShard(keys)));
      expect({ name, slots: slots.size }).toEqual({ name, slots: 1 }); // in one slot: its hash tag's
      expect({ name, port }).toEqual({ name, port: await scenario.redis.ownerOf([...slots][0]) });
      homes.push(port);
    }
    expect(new Set(homes).size).toBeGreaterThanOrEqual(2);
  });

  it('shares the rate limit between replicas through the cluster: RATE_LIMIT_PER_MINUTE in total, then 429', async () => {
    const limited = await startEach('api', 2, { ...CLUSTER_ENV, RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
    const answers: Array<{ status: number; retryAfter: string | null }> = [];
    for (let i = 0; i < RATE_LIMIT + 3; i++) {
      const res = await fetch(`${limited[i % 2].url}/v1/transactions/txn_rate_${i}`, { signal: AbortSignal.timeout(15_000) });
      await res.arrayBuffer();
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
    }
    expect(answers.slice(0, RATE_LIMIT).map((a) => a.status)).toEqual(Array(RATE_LIMIT).fill(404));
    for (const answer of answers.slice(RATE_LIMIT)) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const counters = [...(await scenario.redis.keysByNode(`${scenario.queuePrefix}:rate-limit:*`)).values()].flat();
    expect(counters).toHaveLength(1);
    await Promise.all(limited.map((api) => api.terminate()));
  });

  it('answers /health/live, /health/ready (every master) and /health/worker (the workers, counted once across nodes and shards)', async () => {
    for (const process of [...apis, ...workers]) expect(await process.status('/health/live')).toBe(200);
    const ready = await getJson<HealthBody>(apis[0].url, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up', nodes: 3 } });

    const workerHealth = () => getJson<HealthBody>(apis[1].url, '/health/worker');
    const both = await waitFor('both workers to be counted', workerHealth, (h) => h.body.details?.queue?.workers === 2);
    expect(both.status).toBe(200);

    expect(await workers[0].terminate()).toEqual({ code: 0, signal: null });
    const one = await waitFor('one worker to be counted', workerHealth, (h) => h.body.details?.queue?.workers === 1);
    expect(one.status).toBe(200);

    expect(await workers[1].terminate()).toEqual({ code: 0, signal: null });
    const none = await waitFor('no worker to be counted', workerHealth, (h) => h.body.details?.queue?.workers === 0);
    expect(none.status).toBe(503);
  });
});
