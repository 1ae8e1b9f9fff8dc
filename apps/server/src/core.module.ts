import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { ObservabilityModule } from '@app/observability';
import { QueueModule } from '@app/queue';
import { SecurityModule } from '@app/security';

/** What every role needs: configuration, PostgreSQL, Redis/BullMQ, the probes, the rate limiter, logs and metrics. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(config),
        DatabaseModule,
        QueueModule,
        HealthModule,
        SecurityModule,
      ],
    };
  }
}
