import { Module } from '@nestjs/common';
import { QueueConnections } from './queue-connections';
import { SettlementQueue } from './settlement-queue';

/**
 * The settlement queues (QUEUE_SHARDS of them) are built here rather than by @nestjs/bullmq's
 * registerQueue: that one closes a queue at shutdown with a QUIT that a frozen Redis never
 * answers. SettlementQueue closes them instead, within a deadline. Workers are built by
 * ProcessingModule through QueueConnections, one per queue, so connections are made in one place.
 */
@Module({
  providers: [QueueConnections, SettlementQueue],
  exports: [QueueConnections, SettlementQueue],
})
export class QueueModule {}
