import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { EventStreamSettings } from '@app/event-stream';
import { ProcessingModule, ProcessingWorkerOptions } from '@app/processing';
import { WebhooksModuleOptions } from '@app/webhooks';
import { apiFeatureModules } from './api-app.module';
import { CoreModule } from './core.module';
import { RootController } from './root.controller';

/** APP_ROLE=all: API and worker in one process, for local use. */
@Module({})
export class AllInOneAppModule {
  static forRoot(
    config: AppConfig,
    processing?: ProcessingWorkerOptions,
    webhooks?: WebhooksModuleOptions,
    eventStream?: Partial<EventStreamSettings>,
  ): DynamicModule {
    return {
      module: AllInOneAppModule,
      imports: [CoreModule.forRoot(config), ...(apiFeatureModules(webhooks, eventStream) ?? []), ProcessingModule.forWorker(processing)],
      controllers: [RootController],
    };
  }
}
