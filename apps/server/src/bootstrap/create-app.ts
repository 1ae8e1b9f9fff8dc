import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { type AppConfig } from '@app/config';
import { type EventStreamSettings } from '@app/event-stream';
import { type Middleware, ProblemDetailsFilter, applyClientTimeouts, jsonBodyParser, requestIdMiddleware } from '@app/http';
import { bindRequestLogger, createBootLogger, httpObservers } from '@app/observability';
import { type ProcessingWorkerOptions } from '@app/processing';
import { WebhookProviderRegistry, type WebhooksModuleOptions } from '@app/webhooks';
import { AllInOneAppModule } from '../all-in-one-app.module';
import { ApiAppModule } from '../api-app.module';
import { WorkerAppModule } from '../worker-app.module';
import { defaultConsoleDir } from './console-page';
import { ExpressRequestClassesAdapter } from './express-request-classes.adapter';
import { mountOperatorTools } from './operator-tools';
import { securityMiddleware } from './security';
import { StartingGate } from './starting-gate';
import { serveWebhooksFast } from './webhook-fast-path';

export interface CreateAppOptions {
  /** Extension point for teams: e.g. a real settlement gateway instead of the simulation. */
  processing?: ProcessingWorkerOptions;
  /** A team's own webhook providers (API roles only): `{ providers: [AcmeProvider] }`. */
  webhooks?: WebhooksModuleOptions;
  /** Timings of GET /v1/events (API roles only); tests shorten the heartbeat and the buffer bound. */
  eventStream?: Partial<EventStreamSettings>;
  /** The built console's folder (default: dist/console under the package root, where the build puts it). */
  consoleDir?: string;
}

export function rootModuleFor(config: AppConfig, options: CreateAppOptions = {}): DynamicModule {
  switch (config.role) {
    case 'api':
      return ApiAppModule.forRoot(config, options.webhooks, options.eventStream);
    case 'worker':
      return WorkerAppModule.forRoot(config, options.processing);
    case 'all':
      return AllInOneAppModule.forRoot(config, options.processing, options.webhooks, options.eventStream);
  }
}

/** Names of the enabled provider routes, for the webhook metrics' `provider` label; none on a worker. */
function enabledWebhookProviders(app: INestApplication, config: AppConfig): string[] {
  return config.role === 'worker' ? [] : app.get(WebhookProviderRegistry, { strict: false }).enabledNames();
}

/** Builds (but does not start listening) the Nest application for the configured role. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const root = rootModuleFor(config, options);
  const app = await NestFactory.create<NestExpressApplication>(
    { ...root, providers: [...(root.providers ?? []), StartingGate] },
    new ExpressRequestClassesAdapter(),
    {
      bodyParser: false,
      // A failed boot rejects, so main.ts ends it with one fatal line (Nest would exit on its own).
      abortOnError: false,
      // JSON lines at LOG_LEVEL from the first boot message, failed boots included; once the
      // container exists, the injected logger (same pino instance) adds the request context.
      logger: createBootLogger(config),
    },
  );
  app.useLogger(app.get(Logger));
  applyClientTimeouts(app.getHttpServer());
  app.disable('x-powered-by');
  // An ETag (a SHA-1 of every body Express sends) only helps conditional GETs, which no route
  // here serves; on 202s it was pure cost.
  app.set('etag', false);
  // Order matters: every response carries a request id and is logged and counted once, and
  // security checks run before any body is read. One pipeline: Express mounts it in front of
  // everything, and the webhook fast path runs the same functions in the same order.
  const pipeline: Middleware[] = [
    requestIdMiddleware,
    ...httpObservers(app, enabledWebhookProviders(app, config)),
    app.get(StartingGate).middleware,
    ...securityMiddleware(app, config),
    ...jsonBodyParser(config.bodyLimitBytes),
    bindRequestLogger,
  ];
  app.use(...pipeline);
  if (config.role !== 'worker') mountOperatorTools(app, config, options.consoleDir ?? defaultConsoleDir());
  const problems = new ProblemDetailsFilter();
  app.useGlobalFilters(problems);
  if (config.role !== 'worker') serveWebhooksFast(app, pipeline, problems);
  return app;
}
