import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ManagedProcess } from './processes/managed-process';
import { ephemeralRedisArgs, redisAnswers } from './private-redis';
import { waitFor } from './wait-for';

/** Masters of the test cluster: the smallest cluster redis-cli creates without replicas. */
export const CLUSTER_MASTERS = 3;
/** Redis Cluster's bus listens on the client port + 10000. */
const BUS_PORT_OFFSET = 10_000;
/** Client ports are drawn from here, so that port + 10000 stays below the kernel's ephemeral range. */
const PORT_RANGE = { from: 20_000, to: 30_000 };
/** Boot, `--cluster create` and slot agreement; generous for a busy 2-core machine. */
const CLUSTER_READY_TIMEOUT_MS = 60_000;
const CREATE_TIMEOUT_MS = 30_000;
/** One CLUSTER INFO or KEYS probe. */
const PROBE_TIMEOUT_MS = 2000;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port === port;
      server.close(() => resolve(bound));
    });
  });
}

/** `count` ports p, each with p + 10000 free as well (the cluster bus), none of them repeated. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 200) throw new Error('no free port pairs for a Redis Cluster');
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    if (ports.includes(port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + BUS_PORT_OFFSET))) ports.push(port);
  }
  return ports;
}

/** A short-lived connection to one node, for one probe. */
async function withNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: PROBE_TIMEOUT_MS });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await use(node);
  } finally {
    node.disconnect();
  }
}

/**
 * A Redis Cluster of the test's own: three masters, no replicas, no persistence, on free ports
 * (each with its bus port free too), created with `redis-cli --cluster create` and ready once
 * every node reports `cluster_state:ok`. stop() kills them all.
 */
export class PrivateRedisCluster {
  private readonly processes: ManagedProcess[] = [];

  private constructor(
    readonly ports: readonly number[],
    private readonly folder: string,
  ) {}

  static async start(folder: string): Promise<PrivateRedisCluster> {
    const cluster = new PrivateRedisCluster(await freeClusterPorts(CLUSTER_MASTERS), folder);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** REDIS_CLUSTER_NODES for the service. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** REDIS_URL for the service: with REDIS_CLUSTER_NODES set it supplies only credentials and TLS (none here). */
  get url(): string {
    return `redis://127.0.0.1:${this.ports[0]}`;
  }

  /** The slot of each key, as the cluster computes it (CLUSTER KEYSLOT). */
  keySlots(keys: readonly string[]): Promise<number[]> {
    return withNode(this.ports[0], (node) => Promise.all(keys.map((key) => node.cluster('KEYSLOT', key))));
  }

  /** The port of the master serving `slot` (CLUSTER SLOTS). */
  async ownerOf(slot: number): Promise<number> {
    const ranges = await withNode(this.ports[0], (node) => node.cluster('SLOTS'));
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return range[2][1];
  }

  /** Keys matching `pattern` on each node (KEYS on a test's own small cluster), by port. */
  async keysByNode(pattern: string): Promise<Map<number, string[]>> {
    const entries = await Promise.all(this.ports.map(async (port) => [port, await withNode(port, (node) => node.keys(pattern))] as const));
    return new Map(entries);
  }

  private async boot(): Promise<void> {
    for (const port of this.ports) this.processes.push(this.serve(port));
    for (const [i, port] of this.ports.entries()) {
      const proc = this.processes[i];
      await waitFor(
        `cluster node ${port} to answer`,
        async () => proc.running && (await redisAnswers(port)),
        (up) => up || !proc.running,
        20_000,
        50,
      );
      if (!proc.running) throw new Error(`redis-server ${port} exited: ${proc.logTail()}`);
    }
    const create = new ManagedProcess(
      'redis-cli --cluster create',
      'redis-cli',
      ['--cluster', 'create', ...this.ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      join(this.folder, 'cluster-create.log'),
    );
    const exit = await create.exitWithin(CREATE_TIMEOUT_MS);
    if (exit.code !== 0) throw new Error(`redis-cli --cluster create failed (${JSON.stringify(exit)}): ${create.logTail()}`);
    await waitFor(
      'every cluster node to report cluster_state:ok',
      () => Promise.all(this.ports.map((port) => withNode(port, (node) => node.cluster('INFO')))),
      (infos) => infos.every((info) => /^cluster_state:ok\r?$/m.test(info)),
      CLUSTER_READY_TIMEOUT_MS,
      100,
    );
  }

  private serve(port: number): ManagedProcess {
    // The cluster writes its own node table into the config file: one per node, in the test's folder.
    // --cluster-node-timeout stays at its default; the suite never fails a node over.
    return new ManagedProcess(
      `redis-cluster-${port}`,
      'redis-server',
      ephemeralRedisArgs(port, this.folder, ['--cluster-enabled', 'yes', '--cluster-config-file', join(this.folder, `nodes-${port}.conf`)]),
      join(this.folder, `redis-cluster-${port}.log`),
    );
  }

  /** SIGKILL to every node. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((proc) => proc.kill('SIGKILL')));
  }
}
