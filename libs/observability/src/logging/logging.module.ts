import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { createHttpLogger } from './http-logger';
import { rootLoggerFor } from './root-logger';

/** The request-log middleware of this application; bootstrap mounts it before anything answers. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

/**
 * Nest's logger is nestjs-pino over one pino instance per process. The HTTP middleware is
 * mounted by httpObservers() at the front of the pipeline (so requests answered by the security
 * checks, the body parser or the dashboard are logged too); bindRequestLogger, last before the
 * routes, then makes its req.log the logger of every log written while handling the request.
 * nestjs-pino's own binding middleware is mounted for no route: the pipeline runs ours instead,
 * on the webhook fast path too.
 *
 * nestjs-pino keeps its out-of-request logger in a module-level variable: in a process that
 * builds several applications (tests), the first one's logger serves them all.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const root = rootLoggerFor(config);
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger: root },
          useExisting: true,
          forRoutes: [],
        }),
      ],
      providers: [{ provide: HTTP_LOGGER, useValue: createHttpLogger(root) }],
      exports: [HTTP_LOGGER, LoggerModule],
    };
  }
}
