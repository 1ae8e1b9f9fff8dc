import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ProcessingModule, ProcessingWorkerOptions } from '@app/processing';
import { API_FEATURE_MODULES } from './api-app.module';
import { CoreModule } from './core.module';
import { RootController } from './root.controller';

/** APP_ROLE=all: API and worker in one process, for local use. */
@Module({})
export class AllInOneAppModule {
  static forRoot(config: AppConfig, processing?: ProcessingWorkerOptions): DynamicModule {
    return {
      module: AllInOneAppModule,
      imports: [CoreModule.forRoot(config), ...API_FEATURE_MODULES, ProcessingModule.forWorker(processing)],
      controllers: [RootController],
    };
  }
}
