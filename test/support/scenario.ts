import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { Pool } from 'pg';
import { type RedisTarget, SETTLEMENT_QUEUE, bullConnection, closeRedisClient } from '@app/queue';
import { PaycheckProcess, type Role } from './processes/paycheck-process';
import { makeTempFolder, releaseAll } from './processes/resources';
import { PrivatePostgres } from './private-postgres';
import { PrivateRedis } from './private-redis';
import { PrivateRedisCluster } from './private-redis-cluster';
import { TEST_SERVER_URL, createEmptyDatabase, dropDatabase, testDatabaseUrl } from './test-databases';
import { waitFor } from './wait-for';
import { type WebhookPayload } from './webhooks';

/** A scenario's Redis: a single server (the fault suite stops, freezes and restarts it) or a cluster. */
export type ScenarioRedis = PrivateRedis | PrivateRedisCluster;

/**
 * One fault scenario's world: its own database, its own Redis (or Redis Cluster) and queue
 * prefix, the Paycheck processes it starts, and the record of what the service acknowledged.
 * close() tears it all down, whatever state the scenario left it in.
 */
export class Scenario<R extends ScenarioRedis = PrivateRedis> {
  readonly acknowledged = new Map<string, WebhookPayload>();
  readonly processes: PaycheckProcess[] = [];
  readonly queuePrefix = `faults-${randomBytes(4).toString('hex')}`;
  /** Test-side view of the queue, to read job counts. */
  readonly queue: Queue;
  readonly db: Pool;
  private readonly started = new Map<string, number>();

  private constructor(
    readonly folder: string,
    readonly redis: R,
    private readonly serverUrl: string,
    readonly database: string,
    readonly postgres?: PrivatePostgres,
  ) {
    this.queue = new Queue(SETTLEMENT_QUEUE, { connection: bullConnection(this.redisTarget), prefix: this.queuePrefix });
    this.queue.on('error', () => undefined); // Redis is stopped on purpose in some scenarios
    this.db = new Pool({ connectionString: this.databaseUrl, max: 4 });
    this.db.on('error', () => undefined); // likewise PostgreSQL
  }

  static async create(label: string, options: { privatePostgres?: boolean } = {}): Promise<Scenario> {
    const folder = makeTempFolder(label);
    return Scenario.around(label, folder, await PrivateRedis.start(folder), options);
  }

  /** The same world on a private three-master Redis Cluster; every process gets REDIS_CLUSTER_NODES. */
  static async createOnCluster(label: string, options: { privatePostgres?: boolean } = {}): Promise<Scenario<PrivateRedisCluster>> {
    const folder = makeTempFolder(label);
    return Scenario.around(label, folder, await PrivateRedisCluster.start(folder), options);
  }

  private static async around<R extends ScenarioRedis>(
    label: string,
    folder: string,
    redis: R,
    options: { privatePostgres?: boolean },
  ): Promise<Scenario<R>> {
    const postgres = options.privatePostgres ? await PrivatePostgres.start(makeTempFolder(`${label}-pg`)) : undefined;
    const serverUrl = postgres ? postgres.url('postgres') : TEST_SERVER_URL;
    const database = `paycheck_faults_${label.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
    // Created here, not by the first process to boot: the replicas then only race on migrations.
    await createEmptyDatabase(database, serverUrl);
    return new Scenario(folder, redis, serverUrl, database, postgres);
  }

  /** REDIS_URL, and REDIS_CLUSTER_NODES on a cluster. */
  get redisTarget(): RedisTarget {
    const redis = this.redis;
    if (!(redis instanceof PrivateRedisCluster)) return { redisUrl: redis.url, redisClusterNodes: [] };
    return { redisUrl: redis.url, redisClusterNodes: redis.ports.map((port) => ({ host: '127.0.0.1', port })) };
  }

  /** The environment that points a process at this scenario's Redis. */
  get redisEnv(): Record<string, string> {
    const redis = this.redis;
    return redis instanceof PrivateRedisCluster ? { REDIS_URL: redis.url, REDIS_CLUSTER_NODES: redis.nodes } : { REDIS_URL: redis.url };
  }

  get databaseUrl(): string {
    return testDatabaseUrl(this.database, this.serverUrl);
  }

  /** `entry`: a script to boot instead of main.ts (relative to the repository). */
  async start(role: Role, env: Record<string, string> = {}, label?: string, entry?: string): Promise<PaycheckProcess> {
    const paycheck = await PaycheckProcess.start(
      role,
      { DATABASE_URL: this.databaseUrl, ...this.redisEnv, QUEUE_PREFIX: this.queuePrefix, ...env },
      this.folder,
      label ?? this.nextLabel(role),
      entry,
    );
    this.processes.push(paycheck);
    return paycheck;
  }

  /** Starts several at once (boots overlap, as replicas' do). */
  startAll(specs: Array<{ role: Role; env?: Record<string, string> }>): Promise<PaycheckProcess[]> {
    return Promise.all(specs.map((spec) => this.start(spec.role, spec.env)));
  }

  private nextLabel(role: Role): string {
    const n = (this.started.get(role) ?? 0) + 1;
    this.started.set(role, n);
    return `${role}${n}`;
  }

  acknowledge(payload: WebhookPayload): void {
    this.acknowledged.set(payload.transaction_id, payload);
  }

  /** Status counts over every stored transaction. */
  async statusCounts(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM transactions GROUP BY status`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  /** Waits until `count` transactions (default: every acknowledged one) are PROCESSED. */
  untilProcessed(count = this.acknowledged.size, timeoutMs = 90_000): Promise<Record<string, number>> {
    return waitFor(
      'every transaction to settle',
      () => this.statusCounts(),
      (c) => c.PROCESSED === count,
      timeoutMs,
      500,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill()));
    await Promise.race([this.queue.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    const shared = this.queue.opts.connection;
    if (shared instanceof Cluster) await closeRedisClient(shared, 2000);
    await this.db.end().catch(() => undefined);
    await dropDatabase(this.database, this.serverUrl).catch(() => undefined);
    await this.redis.stop();
    await this.postgres?.destroy();
    await releaseAll();
  }
}
