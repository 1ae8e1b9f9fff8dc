import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';

/** Logging and metrics for every role; httpObservers() gives their HTTP middleware. */
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(config), MetricsModule],
      exports: [LoggingModule, MetricsModule],
    };
  }
}
