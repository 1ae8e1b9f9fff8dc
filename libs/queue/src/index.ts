export { QueueModule } from './queue.module';
export { redisConnectionOptions } from './redis-connection-options';
export { SETTLE_JOB, SETTLEMENT_QUEUE, SettlementJobData, settlementJobId, transactionIdFromJobId } from './settlement-job';
export { SettlementQueue } from './settlement-queue';
