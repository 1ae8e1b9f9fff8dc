import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '@app/queue';
import { HealthController } from './health.controller';
import { QueueConsumersHealthIndicator } from './queue-consumers.health';
import { RedisHealthIndicator } from './redis.health';

/** /health/* for both roles. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), QueueModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, QueueConsumersHealthIndicator],
})
export class HealthModule {}
