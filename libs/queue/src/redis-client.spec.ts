import Redis, { Cluster } from 'ioredis';
import { CLUSTER_SLOTS_REFRESH_TIMEOUT_MS, bullConnection, clusterOptions, createRedisClient } from './redis-client';

const SEEDS = [
  { host: 'node-1.example.com', port: 6379 },
  { host: 'node-2.example.com', port: 6380 },
];

describe('Redis connections', () => {
  const opened: Array<Redis | Cluster> = [];
  afterEach(() => opened.splice(0).forEach((client) => client.disconnect()));

  function lazily(target: Parameters<typeof createRedisClient>[0]) {
    const client = createRedisClient(target, { lazyConnect: true });
    opened.push(client);
    return client;
  }

  it('is a single Redis from REDIS_URL when REDIS_CLUSTER_NODES is unset', () => {
    const client = lazily({ redisUrl: 'redis://:pw@10.0.0.9:6390/2', redisClusterNodes: [] });
    expect(client).toBeInstanceOf(Redis);
    expect(client.options).toMatchObject({ host: '10.0.0.9', port: 6390, db: 2, password: 'pw' });
  });

  it('is a cluster connection seeded with REDIS_CLUSTER_NODES when set', () => {
    const client = lazily({ redisUrl: 'redis://127.0.0.1:6379', redisClusterNodes: SEEDS });
    expect(client).toBeInstanceOf(Cluster);
    expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual(SEEDS); // private in ioredis' types
  });

  describe('on a cluster, REDIS_URL supplies only credentials and TLS', () => {
    it('passes username and password (URL-decoded) to every node', () => {
      const options = clusterOptions('redis://app%40svc:p%40ss@ignored.example.com:1234');
      expect(options.redisOptions).toMatchObject({ username: 'app@svc', password: 'p@ss' });
      expect(options.redisOptions).not.toHaveProperty('host');
      expect(options.redisOptions).not.toHaveProperty('port');
      expect(options.redisOptions).not.toHaveProperty('db');
    });

    it("turns rediss:// into TLS checked against each node's own name, not the URL host", () => {
      expect(clusterOptions('rediss://default:token@cfg.example.com:6379').redisOptions?.tls).toEqual({});
      expect(clusterOptions('redis://127.0.0.1:6379').redisOptions?.tls).toBeUndefined();
    });

    it('leaves node addresses unresolved, as managed clusters with TLS need', () => {
      const lookup = clusterOptions('redis://127.0.0.1:6379').dnsLookup!;
      const callback = jest.fn();
      lookup('node-1.example.com', callback);
      expect(callback).toHaveBeenCalledWith(null, 'node-1.example.com');
    });

    it('bounds slot refreshes and node handshakes, and keeps reconnecting with a capped delay', () => {
      const options = clusterOptions('redis://127.0.0.1:6379');
      expect(options.slotsRefreshTimeout).toBe(CLUSTER_SLOTS_REFRESH_TIMEOUT_MS);
      expect(options.redisOptions?.connectTimeout).toBeGreaterThan(0);
      expect(options.clusterRetryStrategy!(1)).toBeGreaterThan(0);
      expect(options.clusterRetryStrategy!(1000)).toBeLessThanOrEqual(2000);
    });

    it('gives each connection its own settings: the rate limiter fails fast, per node', () => {
      const options = clusterOptions('redis://127.0.0.1:6379', {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 250,
      });
      expect(options).toMatchObject({ lazyConnect: true, enableOfflineQueue: false });
      expect(options.redisOptions).toMatchObject({ maxRetriesPerRequest: 0, commandTimeout: 250 });
    });
  });

  describe("BullMQ's connection", () => {
    it('stays options for a single Redis, so BullMQ opens and closes its own connections', () => {
      expect(bullConnection({ redisUrl: 'redis://127.0.0.1:6379', redisClusterNodes: [] })).not.toBeInstanceOf(Redis);
    });

    it('is one cluster connection, without a per-request retry limit (BullMQ refuses one on blocking reads)', () => {
      const connection = bullConnection({ redisUrl: 'redis://127.0.0.1:6379', redisClusterNodes: SEEDS });
      opened.push(connection as Cluster); // connecting to names that do not resolve: disconnected after the test
      expect(connection).toBeInstanceOf(Cluster);
      expect((connection as Cluster).options.redisOptions?.maxRetriesPerRequest).toBeNull();
    });
  });
});
