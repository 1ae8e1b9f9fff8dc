import { ConsoleLogger, DynamicModule, INestApplication, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, LogLevel } from '@app/config';
import { ProblemDetailsFilter, jsonBodyParser, requestIdMiddleware } from '@app/http';
import { ProcessingWorkerOptions } from '@app/processing';
import { AllInOneAppModule } from '../all-in-one-app.module';
import { ApiAppModule } from '../api-app.module';
import { WorkerAppModule } from '../worker-app.module';
import { mountOperatorTools } from './operator-tools';
import { applySecurity } from './security';

export interface CreateAppOptions {
  /** Extension point for teams: e.g. a real settlement gateway instead of the simulation. */
  processing?: ProcessingWorkerOptions;
}

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export function rootModuleFor(config: AppConfig, options: CreateAppOptions = {}): DynamicModule {
  switch (config.role) {
    case 'api':
      return ApiAppModule.forRoot(config);
    case 'worker':
      return WorkerAppModule.forRoot(config, options.processing);
    case 'all':
      return AllInOneAppModule.forRoot(config, options.processing);
  }
}

export function createLogger(config: AppConfig): ConsoleLogger {
  return new ConsoleLogger({ json: true, logLevels: NEST_LEVELS[config.logLevel] });
}

/** Builds (but does not start listening) the Nest application for the configured role. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModuleFor(config, options), {
    bodyParser: false,
    logger: createLogger(config),
  });
  app.disable('x-powered-by');
  // Order matters: every response carries a request id, and security checks run before any
  // body is read.
  app.use(requestIdMiddleware);
  applySecurity(app, config);
  app.use(...jsonBodyParser(config.bodyLimitBytes));
  if (config.role !== 'worker') mountOperatorTools(app, config);
  app.useGlobalFilters(new ProblemDetailsFilter());
  return app;
}
