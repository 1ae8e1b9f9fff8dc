import type { ConnectionOptions } from 'bullmq';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { AppConfig } from '@app/config';
import { type RedisClosable, closeWithin } from './close-within';
import { redisConnectionOptions } from './redis-connection-options';
import { withTimeout } from './with-timeout';

/** Where Redis is: REDIS_URL, and the cluster seeds when REDIS_CLUSTER_NODES is set. */
export type RedisTarget = Pick<AppConfig, 'redisUrl' | 'redisClusterNodes'>;

export type RedisClient = Redis | Cluster;

/** What one connection sets beyond the defaults (the rate limiter fails fast; BullMQ's blocking reads need no retry limit). */
export interface RedisClientOptions {
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  maxRetriesPerRequest?: number | null;
  commandTimeout?: number;
}

/** Bound of one CLUSTER SLOTS refresh (ioredis' default is 1 s, tight for a managed cluster across zones). */
export const CLUSTER_SLOTS_REFRESH_TIMEOUT_MS = 2000;
/** A seed or node that does not complete its TCP (and TLS) handshake by then is given up on and retried. */
const CLUSTER_CONNECT_TIMEOUT_MS = 5000;

/** A single Redis from REDIS_URL, or, with REDIS_CLUSTER_NODES, a cluster connection that follows MOVED and ASK. */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  if (target.redisClusterNodes.length === 0) return new Redis({ ...(redisConnectionOptions(target.redisUrl) as RedisOptions), ...options });
  return new Cluster(
    target.redisClusterNodes.map(({ host, port }) => ({ host, port })),
    clusterOptions(target.redisUrl, options),
  );
}

/**
 * With REDIS_CLUSTER_NODES set, REDIS_URL supplies only credentials and TLS: the seeds say where
 * the cluster is, and the cluster says where each slot is. Node addresses are used as given
 * (no DNS lookup by ioredis) so a TLS certificate is checked against the node's own hostname,
 * as managed clusters (ElastiCache, MemoryDB, Azure) require.
 */
export function clusterOptions(redisUrl: string, options: RedisClientOptions = {}): ClusterOptions {
  const { lazyConnect, enableOfflineQueue, ...perNode } = options;
  const url = redisConnectionOptions(redisUrl);
  return {
    lazyConnect,
    enableOfflineQueue,
    clusterRetryStrategy: url.retryStrategy,
    dnsLookup: (address, callback) => callback(null, address),
    slotsRefreshTimeout: CLUSTER_SLOTS_REFRESH_TIMEOUT_MS,
    redisOptions: {
      username: url.username,
      password: url.password,
      // servername defaults to the host of each node connection, which is what its certificate names.
      tls: url.tls ? {} : undefined,
      connectTimeout: CLUSTER_CONNECT_TIMEOUT_MS,
      ...perNode,
    },
  };
}

/**
 * BullMQ's `connection`: for a single Redis, options (BullMQ opens and closes its own
 * connections, as before); for a cluster, a Cluster to share between queues, which BullMQ never
 * closes (closeRedisClient does) and which workers duplicate for themselves.
 */
export function bullConnection(target: RedisTarget): ConnectionOptions {
  if (target.redisClusterNodes.length === 0) return redisConnectionOptions(target.redisUrl);
  return createRedisClient(target, { maxRetriesPerRequest: null });
}

/** QUIT within `ms`, else drop the sockets: a frozen node never answers QUIT. */
export function closeRedisClient(client: RedisClient, ms: number): Promise<boolean> {
  const closable: RedisClosable = { close: () => client.quit().then(() => undefined), disconnect: () => client.disconnect() };
  return closeWithin(closable, ms);
}

/**
 * PING every master of a cluster (one PING to a single Redis), each within `ms`. A cluster
 * answers only as well as its least reachable master: the shards on it would stall.
 * Resolves how many nodes answered; rejects naming the first that did not.
 */
export async function pingEveryMaster(client: RedisClient, ms: number): Promise<number> {
  if (!(client instanceof Cluster)) {
    await withTimeout(client.ping(), ms);
    return 1;
  }
  const masters = client.nodes('master');
  if (masters.length === 0) throw new Error('no cluster master known yet');
  await Promise.all(
    masters.map((node) =>
      withTimeout(node.ping(), ms).catch((error: Error) => {
        throw new Error(`cluster node ${node.options.host}:${node.options.port}: ${error.message}`);
      }),
    ),
  );
  return masters.length;
}
