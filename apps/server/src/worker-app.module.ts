import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ProcessingModule, ProcessingWorkerOptions } from '@app/processing';
import { CoreModule } from './core.module';

/** The consumer and the recovery sweep; over HTTP it serves only the probes (and metrics). */
@Module({})
export class WorkerAppModule {
  static forRoot(config: AppConfig, processing?: ProcessingWorkerOptions): DynamicModule {
    return { module: WorkerAppModule, imports: [CoreModule.forRoot(config), ProcessingModule.forWorker(processing)] };
  }
}
