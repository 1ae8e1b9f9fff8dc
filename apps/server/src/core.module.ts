import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { QueueModule } from '@app/queue';
import { SecurityModule } from '@app/security';

/** What every role needs: configuration, PostgreSQL, Redis/BullMQ, the probes and the rate limiter. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CoreModule, imports: [ConfigModule.forRoot(config), DatabaseModule, QueueModule, HealthModule, SecurityModule] };
  }
}
