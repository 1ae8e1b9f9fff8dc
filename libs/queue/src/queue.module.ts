import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { redisConnectionOptions } from './redis-connection-options';
import { SETTLEMENT_QUEUE } from './settlement-job';
import { SettlementQueue } from './settlement-queue';

/** Job retention: enough history for the dashboard, bounded so Redis memory stays flat. */
const DEFAULT_JOB_OPTIONS = {
  attempts: 1, // retries are the worker's policy (see SettlementProcessor), not the producer's
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: redisConnectionOptions(config.redisUrl),
        prefix: config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue({ name: SETTLEMENT_QUEUE }),
  ],
  providers: [SettlementQueue],
  exports: [BullModule, SettlementQueue],
})
export class QueueModule {}
