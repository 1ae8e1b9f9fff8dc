import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { closeWithin } from './close-within';
import { type RedisClient, closeRedisClient } from './redis-client';
import { RepeatedErrorLog } from './repeated-error-log';
import { withTimeout } from './with-timeout';
import { SETTLE_JOB, SETTLEMENT_QUEUE, SettlementJobData, settlementJobId } from './settlement-job';

/**
 * How long intake waits for a Redis that is connected but does not answer. Keeps the 202 well
 * under 500 ms; the add itself carries on and usually lands, and the sweep covers it if not.
 */
export const ENQUEUE_TIMEOUT_MS = 250;
/** How long a bulk enqueue (one MULTI for a whole batch: bulk retry) waits for Redis. */
export const BULK_ENQUEUE_TIMEOUT_MS = 5000;
const ENQUEUE_TIMED_OUT = 'enqueue timed out';
/** At shutdown, how long the queue's connection may take to QUIT before it is simply dropped. */
export const QUEUE_CLOSE_TIMEOUT_MS = 2000;

/** Whether Redis holds a job that will still run, one that ran, or nothing. */
export type SettlementJobStatus = 'live' | 'finished' | 'missing';

/** The parts of the ioredis client behind BullMQ's adapter that we watch. */
interface WatchedClient {
  status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
}

/**
 * Producer side of the settlement queue. Enqueueing never decides whether a webhook is
 * acknowledged: the row is already committed, and the worker's recovery sweep enqueues
 * whatever this could not. So Redis being down costs nothing but latency we refuse to pay.
 */
@Injectable()
export class SettlementQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SettlementQueue.name);
  private readonly errors = new RepeatedErrorLog(this.logger, 'Redis unavailable to the settlement queue');
  private client?: WatchedClient;
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

  constructor(@InjectQueue(SETTLEMENT_QUEUE) readonly queue: Queue<SettlementJobData>) {
    // Attached at once: without a listener every reconnect attempt prints a stack trace to stderr.
    this.queue.on('error', (error: Error) => this.errors.warn(error));
  }

  onModuleInit(): void {
    // Resolves once Redis first answers (possibly long after boot); kept to answer "is Redis
    // reachable right now?" without a round trip.
    void Promise.resolve(this.queue.getBackend().client).then(
      (client) => this.watch(client as unknown as WatchedClient),
      () => undefined,
    );
  }

  /** Runs after every role's beforeApplicationShutdown, so workers and the sweep are done with it. */
  async onApplicationShutdown(): Promise<void> {
    if (!(await closeWithin(this.queue, QUEUE_CLOSE_TIMEOUT_MS))) {
      this.logger.warn(`Redis did not answer QUIT within ${QUEUE_CLOSE_TIMEOUT_MS} ms: settlement queue connection dropped`);
    }
    // BullMQ leaves a connection it was handed open: the cluster connection is ours to close.
    const shared = this.queue.opts.connection;
    if (shared instanceof Cluster && !(await closeRedisClient(shared, QUEUE_CLOSE_TIMEOUT_MS))) {
      this.logger.warn(`Redis Cluster did not answer QUIT within ${QUEUE_CLOSE_TIMEOUT_MS} ms: cluster connection dropped`);
    }
  }

  /** The queue's own connection: the shared cluster connection, or the single Redis BullMQ opened. */
  async redisClient(): Promise<RedisClient> {
    const shared = this.queue.opts.connection;
    if (shared instanceof Cluster) return shared;
    return (await this.queue.getBackend().client) as unknown as RedisClient; // the raw ioredis client behind BullMQ's adapter
  }

  isConnected(): boolean {
    return this.client?.status === 'ready';
  }

  /** Calls `listener` whenever the connection becomes ready: at boot and after every outage. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
    if (this.isConnected()) setImmediate(listener);
  }

  /** Resolves true when the job is in Redis, false when it was left to the recovery sweep. */
  enqueue(transactionId: string, generation: number): Promise<boolean> {
    const jobId = settlementJobId(transactionId, generation);
    return this.added(() => this.queue.add(SETTLE_JOB, { transactionId, generation }, { jobId }), ENQUEUE_TIMEOUT_MS, transactionId);
  }

  /** Many jobs in one MULTI; resolves true when all are in Redis, false when left to the sweep. */
  enqueueMany(jobs: ReadonlyArray<{ transactionId: string; generation: number }>): Promise<boolean> {
    if (jobs.length === 0) return Promise.resolve(true);
    const bulk = jobs.map(({ transactionId, generation }) => ({
      name: SETTLE_JOB,
      data: { transactionId, generation },
      opts: { jobId: settlementJobId(transactionId, generation) },
    }));
    return this.added(() => this.queue.addBulk(bulk), BULK_ENQUEUE_TIMEOUT_MS, `${jobs.length} transactions`);
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
   * One O(1) read of the job's hash (a state lookup would scan the wait list, which is
   * O(backlog) per call). A job that exists and has not finished is waiting, delayed or
   * active, and will run: stalled active jobs are BullMQ's to hand back, not the sweep's.
   */
  async jobStatus(transactionId: string, generation: number): Promise<SettlementJobStatus> {
    const job = await this.queue.getJob(settlementJobId(transactionId, generation));
    if (!job) return 'missing';
    return job.finishedOn ? 'finished' : 'live';
  }

  private watch(client: WatchedClient): void {
    this.client = client;
    client.on('close', () => (this.lostConnection = true));
    client.on('ready', () => this.announceReady());
    if (client.status === 'ready') this.announceReady();
  }

  private announceReady(): void {
    if (this.lostConnection) this.logger.log('Redis connection restored');
    this.lostConnection = false;
    for (const listener of this.readyListeners) listener();
  }
}
