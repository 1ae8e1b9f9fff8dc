import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig, MAX_QUEUE_SHARDS } from '@app/config';
import { closeWithin } from './close-within';
import { QueueConnections } from './queue-connections';
import { type RedisClient } from './redis-client';
import { RepeatedErrorLog } from './repeated-error-log';
import { withTimeout } from './with-timeout';
import { SETTLE_JOB, SettlementJobData, settlementJobId } from './settlement-job';
import { candidateQueueNames, layoutQueueNames, queueNamesOf, shardOf } from './settlement-shards';

/**
 * How long intake waits for a Redis that is connected but does not answer. Keeps the 202 well
 * under 500 ms; the add itself carries on and usually lands, and the sweep covers it if not.
 */
export const ENQUEUE_TIMEOUT_MS = 250;
/** How long a bulk enqueue (one MULTI per shard for a whole batch: bulk retry) waits for Redis. */
export const BULK_ENQUEUE_TIMEOUT_MS = 5000;
const ENQUEUE_TIMED_OUT = 'enqueue timed out';
/** At shutdown, how long each queue's connection may take to QUIT before it is simply dropped. */
export const QUEUE_CLOSE_TIMEOUT_MS = 2000;
/** How often every process re-reads which shard layouts are in use (QUEUE_SHARDS changed). */
export const LAYOUT_REFRESH_MS = 10_000;
const LAYOUT_READ_TIMEOUT_MS = 1000;

/** Whether Redis holds a job that will still run, one that ran, or nothing. */
export type SettlementJobStatus = 'live' | 'finished' | 'missing';

/** One settlement queue and what the metrics call it. */
export interface ShardQueue {
  name: string;
  /** "0".."N-1" for the current layout's shards; "old-<queue name>" for a queue only an earlier layout used. */
  shard: string;
  queue: Queue<SettlementJobData>;
}

/** The parts of the ioredis client behind BullMQ's adapter that we watch. */
interface WatchedClient {
  status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
}

/** The layout registry: one Redis set of the shard counts any process has run with. */
interface SetClient {
  sadd(key: string, member: string): Promise<unknown>;
  smembers(key: string): Promise<string[]>;
}

/**
 * Producer side of the settlement queues (QUEUE_SHARDS of them; docs/decisions/2026-12-queue-shards.md).
 * Enqueueing never decides whether a webhook is acknowledged: the row is already committed, and
 * the worker's recovery sweep enqueues whatever this could not. So Redis being down costs
 * nothing but latency we refuse to pay.
 *
 * Every process records its layout (its shard count) in a Redis set and reads the set back
 * every LAYOUT_REFRESH_MS: queues of a layout any process used are consumed by every worker and
 * looked at by the sweep, the probes, the metrics and the dashboard, so jobs queued before
 * QUEUE_SHARDS changed still run.
 */
@Injectable()
export class SettlementQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SettlementQueue.name);
  private readonly errors = new RepeatedErrorLog(this.logger, 'Redis unavailable to the settlement queue');
  readonly shards: number;
  /** The current layout's queues: shard k at index k. */
  readonly queues: ReadonlyArray<Queue<SettlementJobData>>;
  /** Every queue opened: the current layout's and those of earlier layouts. */
  private readonly opened = new Map<string, Queue<SettlementJobData>>();
  private layouts: ReadonlySet<number>;
  private readonly layoutKey: string;
  private readonly layoutListeners: Array<(queues: ShardQueue[]) => void> = [];
  private refreshTimer?: NodeJS.Timeout;
  private readonly clients: WatchedClient[] = [];
  private readonly readyListeners: Array<() => void> = [];
  private lostConnection = false;
  /**
   * An add that outlived its deadline and has not answered yet. Until it does, enqueues do not
   * wait on Redis at all: a frozen or partitioned Redis still looks connected, and every delivery
   * would otherwise pay the full timeout (and pile another command onto a socket nobody reads).
   * Rows recorded meanwhile are the recovery sweep's, as when Redis is down. A Redis that was
   * only slow answers soon, and enqueueing resumes at once.
   */
  private unanswered?: Promise<void>;

  constructor(
    config: AppConfig,
    private readonly connections: QueueConnections,
  ) {
    this.shards = config.queueShards;
    this.layouts = new Set([this.shards]);
    this.layoutKey = `${config.queuePrefix}:settlement-layouts`;
    this.queues = layoutQueueNames(this.shards).map((name) => this.open(name));
  }

  onModuleInit(): void {
    // Each resolves once Redis first answers (possibly long after boot); kept to answer "is Redis
    // reachable right now?" without a round trip.
    for (const queue of this.queues) {
      void Promise.resolve(queue.getBackend().client).then(
        (client) => this.watch(client as unknown as WatchedClient),
        () => undefined,
      );
    }
    this.onReady(() => void this.registerLayout());
    this.refreshTimer = setInterval(() => void this.refreshLayouts(), LAYOUT_REFRESH_MS);
    this.refreshTimer.unref();
  }

  /** Runs after every role's beforeApplicationShutdown, so workers and the sweep are done with the queues. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.refreshTimer);
    const closed = await Promise.all([...this.opened.values()].map((queue) => closeWithin(queue, QUEUE_CLOSE_TIMEOUT_MS)));
    const dropped = closed.filter((graceful) => !graceful).length;
    if (dropped > 0)
      this.logger.warn(`Redis did not answer QUIT within ${QUEUE_CLOSE_TIMEOUT_MS} ms: ${dropped} settlement queue connections dropped`);
    if (!(await this.connections.close(QUEUE_CLOSE_TIMEOUT_MS)))
      this.logger.warn(`Redis Cluster did not answer QUIT within ${QUEUE_CLOSE_TIMEOUT_MS} ms: cluster connection dropped`);
  }

  /** The queues' connection: the shared cluster connection, or shard 0's own to the single Redis. */
  async redisClient(): Promise<RedisClient> {
    return this.connections.sharedClient() ?? ((await this.queues[0].getBackend().client) as unknown as RedisClient); // the raw ioredis client behind BullMQ's adapter
  }

  /** Every current-layout connection is ready. */
  isConnected(): boolean {
    return this.clients.length === this.queues.length && this.clients.every((client) => client.status === 'ready');
  }

  /** Calls `listener` whenever the connections become ready: at boot and after every outage. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
    if (this.isConnected()) setImmediate(listener);
  }

  /** The queue of a transaction's shard in the current layout. */
  queueFor(transactionId: string): Queue<SettlementJobData> {
    return this.queues[shardOf(transactionId, this.shards)];
  }

  /** Every queue of every layout in use, the current layout's first, with its shard label. */
  knownQueues(): ShardQueue[] {
    const current = layoutQueueNames(this.shards);
    const older = queueNamesOf(this.layouts).filter((name) => !current.includes(name));
    return [
      ...current.map((name, shard) => ({ name, shard: String(shard), queue: this.open(name) })),
      ...older.map((name) => ({ name, shard: `old-${name}`, queue: this.open(name) })),
    ];
  }

  /** Calls `listener` with every known queue whenever a refresh finds a layout not seen before. */
  onLayoutsChanged(listener: (queues: ShardQueue[]) => void): void {
    this.layoutListeners.push(listener);
  }

  /** Resolves true when the job is in Redis, false when it was left to the recovery sweep. */
  enqueue(transactionId: string, generation: number): Promise<boolean> {
    const jobId = settlementJobId(transactionId, generation);
    const queue = this.queueFor(transactionId);
    return this.added(() => queue.add(SETTLE_JOB, { transactionId, generation }, { jobId }), ENQUEUE_TIMEOUT_MS, transactionId);
  }

  /** Many jobs, one MULTI per shard; resolves true when all are in Redis, false when left to the sweep. */
  enqueueMany(jobs: ReadonlyArray<{ transactionId: string; generation: number }>): Promise<boolean> {
    if (jobs.length === 0) return Promise.resolve(true);
    const byShard = new Map<number, Array<{ name: string; data: SettlementJobData; opts: { jobId: string } }>>();
    for (const { transactionId, generation } of jobs) {
      const shard = shardOf(transactionId, this.shards);
      const bulk = byShard.get(shard) ?? byShard.set(shard, []).get(shard)!;
      bulk.push({ name: SETTLE_JOB, data: { transactionId, generation }, opts: { jobId: settlementJobId(transactionId, generation) } });
    }
    const adds = () => Promise.all([...byShard].map(([shard, bulk]) => this.queues[shard].addBulk(bulk)));
    return this.added(adds, BULK_ENQUEUE_TIMEOUT_MS, `${jobs.length} transactions`);
  }

  private async added(add: () => Promise<unknown>, timeoutMs: number, what: string): Promise<boolean> {
    if (!this.isConnected() || this.unanswered) return false;
    const adding = add();
    try {
      await withTimeout(adding, timeoutMs, ENQUEUE_TIMED_OUT);
      return true;
    } catch (error) {
      if ((error as Error).message === ENQUEUE_TIMED_OUT) this.awaitAnswer(adding);
      this.logger.warn(`Enqueue of ${what} deferred to the recovery sweep: ${(error as Error).message}`);
      return false;
    }
  }

  private awaitAnswer(adding: Promise<unknown>): void {
    const answered: Promise<void> = adding.then(
      () => undefined,
      () => undefined,
    );
    this.unanswered ??= answered;
    void answered.then(() => {
      if (this.unanswered === answered) this.unanswered = undefined;
    });
  }

  /**
   * Looks in the transaction's shard, then in its shard under every other layout in use: a job
   * queued before QUEUE_SHARDS changed is where that layout put it. Each look is one O(1) read of
   * the job's hash (a state lookup would scan the wait list, O(backlog) per call). A job that
   * exists and has not finished is waiting, delayed or active, and will run: stalled active jobs
   * are BullMQ's to hand back, not the sweep's. A job in a queue no worker consumes is missing.
   */
  async jobStatus(transactionId: string, generation: number): Promise<SettlementJobStatus> {
    const jobId = settlementJobId(transactionId, generation);
    let status: SettlementJobStatus = 'missing';
    for (const name of candidateQueueNames(transactionId, this.shards, this.layouts)) {
      const job = await this.open(name).getJob(jobId);
      if (job && !job.finishedOn) return 'live';
      if (job) status = 'finished';
    }
    return status;
  }

  /**
   * Reads the layouts in use from Redis and opens the queues of any new one; resolves the known
   * queues. Leaves what it knew in place when Redis does not answer.
   */
  async refreshLayouts(): Promise<ShardQueue[]> {
    if (!this.isConnected()) return this.knownQueues();
    try {
      const members = await withTimeout(
        this.registry().then((client) => client.smembers(this.layoutKey)),
        LAYOUT_READ_TIMEOUT_MS,
      );
      const seen = members.map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= MAX_QUEUE_SHARDS);
      const added = seen.filter((n) => !this.layouts.has(n));
      if (added.length === 0) return this.knownQueues();
      this.layouts = new Set([...this.layouts, ...added]);
      const known = this.knownQueues();
      this.logger.log({
        msg: `Settlement queues of ${[...this.layouts].join(', ')} shards in use: consuming and checking ${known.length} queues`,
        layouts: [...this.layouts],
      });
      for (const listener of this.layoutListeners) listener(known);
      return known;
    } catch (error) {
      this.errors.warn(error);
      return this.knownQueues();
    }
  }

  /** Records this process's layout (before it enqueues into it, as far as Redis lets it) and reads the others. */
  private async registerLayout(): Promise<void> {
    try {
      await withTimeout(
        this.registry().then((client) => client.sadd(this.layoutKey, String(this.shards))),
        LAYOUT_READ_TIMEOUT_MS,
      );
    } catch (error) {
      this.errors.warn(error);
    }
    await this.refreshLayouts();
  }

  private async registry(): Promise<SetClient> {
    return (await this.queues[0].getBackend().client) as unknown as SetClient; // the ioredis client behind BullMQ
  }

  private open(name: string): Queue<SettlementJobData> {
    let queue = this.opened.get(name);
    if (!queue) {
      queue = this.connections.queue(name);
      // Attached at once: without a listener every reconnect attempt prints a stack trace to stderr.
      queue.on('error', (error: Error) => this.errors.warn(error));
      this.opened.set(name, queue);
    }
    return queue;
  }

  private watch(client: WatchedClient): void {
    this.clients.push(client);
    client.on('close', () => (this.lostConnection = true));
    client.on('ready', () => this.announceReady());
    if (client.status === 'ready') this.announceReady();
  }

  private announceReady(): void {
    if (!this.isConnected()) return;
    if (this.lostConnection) this.logger.log('Redis connection restored');
    this.lostConnection = false;
    for (const listener of this.readyListeners) listener();
  }
}
