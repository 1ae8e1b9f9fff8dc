export { RedisClosable, closeWithin } from './close-within';
export { QueueModule } from './queue.module';
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
export { QUEUE_CLOSE_TIMEOUT_MS, SettlementJobStatus, SettlementQueue } from './settlement-queue';
export { withTimeout } from './with-timeout';
