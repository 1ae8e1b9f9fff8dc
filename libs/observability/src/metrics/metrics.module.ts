import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { QueueModule } from '@app/queue';
import { createMetricsRegistry } from './metrics-registry';
import { MetricsController } from './metrics.controller';
import { PaycheckMetrics } from './paycheck-metrics';
import { QueueMetrics } from './queue-metrics';
import { QueueSampler } from './queue-sampler';

/** GET /metrics on every role; PaycheckMetrics is injectable anywhere (intake, worker, sweep). */
@Global()
@Module({
  imports: [QueueModule],
  controllers: [MetricsController],
  providers: [{ provide: Registry, useFactory: createMetricsRegistry }, PaycheckMetrics, QueueSampler, QueueMetrics],
  exports: [Registry, PaycheckMetrics],
})
export class MetricsModule {}
