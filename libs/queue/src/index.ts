export { RedisClosable, closeWithin } from './close-within';
export { ConcurrencyLimit } from './concurrency-limit';
export { LimitedWorker } from './limited-worker';
export { QueueModule } from './queue.module';
export { DEFAULT_JOB_OPTIONS, QueueConnections } from './queue-connections';
export {
  CLUSTER_SLOTS_REFRESH_TIMEOUT_MS,
  RedisClient,
  RedisClientOptions,
  RedisTarget,
  bullConnection,
  closeRedisClient,
  createRedisClient,
  pingEveryMaster,
} from './redis-client';
export { redisConnectionOptions } from './redis-connection-options';
export { RepeatedErrorLog } from './repeated-error-log';
export { SETTLE_JOB, SETTLEMENT_QUEUE, SettlementJobData, settlementJobId } from './settlement-job';
export { LAYOUT_REFRESH_MS, QUEUE_CLOSE_TIMEOUT_MS, SettlementJobStatus, SettlementQueue, ShardQueue } from './settlement-queue';
export { candidateQueueNames, fnv1a32, layoutQueueNames, queueNamesOf, shardOf, shardQueueName } from './settlement-shards';
export { withTimeout } from './with-timeout';
