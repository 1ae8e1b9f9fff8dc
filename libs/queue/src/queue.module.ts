import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { bullConnection } from './redis-client';
import { SETTLEMENT_QUEUE } from './settlement-job';
import { SettlementQueue } from './settlement-queue';

/** Job retention: enough history for the dashboard, bounded so Redis memory stays flat. */
const DEFAULT_JOB_OPTIONS = {
  attempts: 1, // retries are the worker's policy (see SettlementProcessor), not the producer's
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

/**
 * The settlement queue is built here rather than by BullModule.registerQueue: that one closes
 * the queue at shutdown with a QUIT that a frozen Redis never answers. SettlementQueue closes it
 * instead, within a deadline. Workers (@Processor) take their connection and prefix from this
 * queue's options, as they would from a registered one.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Unused while the queue below is registered (workers take its options); lazy, so on a cluster it never connects.
        connection: bullConnection(config, { lazyConnect: true }),
        prefix: config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    // No queue: this brings in only @nestjs/bullmq's processor discovery (which starts @Processor workers).
    BullModule.registerQueue(),
  ],
  providers: [
    {
      provide: getQueueToken(SETTLEMENT_QUEUE),
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new Queue(SETTLEMENT_QUEUE, {
          connection: bullConnection(config),
          prefix: config.queuePrefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
    },
    SettlementQueue,
  ],
  exports: [getQueueToken(SETTLEMENT_QUEUE), SettlementQueue],
})
export class QueueModule {}
