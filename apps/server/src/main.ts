import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { type AppConfig, ConfigError, loadConfig } from '@app/config';
import { DatabaseUnreachableError, waitForDatabase } from '@app/database';
import { rootLoggerFor } from '@app/observability';
import { createApp } from './bootstrap/create-app';
import { exitCleanlyOnSignals } from './bootstrap/graceful-shutdown';
import { PortUnavailableError, listenOnPort } from './bootstrap/listen-on-port';

/** A password that might appear in an error message: never printed. */
function secretsIn(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  for (const raw of [env.DATABASE_URL, env.REDIS_URL]) {
    try {
      const password = raw ? decodeURIComponent(new URL(raw).password) : '';
      if (password) secrets.push(password);
    } catch {
      // not a URL: loadConfig has already refused it
    }
  }
  return secrets;
}

/**
 * The one line a failed boot ends with. Nothing "started" or "listening" precedes it: the port is
 * bound only after the database answered, and that line is logged only after the port is bound.
 * Through the process's pino logger once the configuration is known (its buffered lines stay in
 * order and are flushed on exit); before that, written directly in the same shape.
 */
function exitWithFatal(msg: string, fields: Record<string, unknown>, config: AppConfig | undefined): void {
  const scrubbed = secretsIn(process.env).reduce((text, secret) => text.split(secret).join('[REDACTED]'), msg);
  process.exitCode = 1;
  if (config) {
    rootLoggerFor(config).fatal(fields, scrubbed);
    process.exit(1);
  }
  const line = { level: 'fatal', time: new Date().toISOString(), pid: process.pid, hostname: hostname(), msg: scrubbed, ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(1));
  // Exit even if stdout never drains (a closed pipe).
  setTimeout(() => process.exit(1), 1000).unref();
}

/** What failed, naming the variable to fix where there is one. */
function describeBootFailure(error: Error): { msg: string; fields: Record<string, unknown> } {
  if (error instanceof ConfigError) return { msg: error.message, fields: { variable: error.variable } };
  if (error instanceof DatabaseUnreachableError) return { msg: error.message, fields: error.fields };
  if (error instanceof PortUnavailableError) return { msg: error.message, fields: { variable: error.variable, port: error.port } };
  return { msg: `Boot failed: ${error.message}`, fields: {} };
}

function warnAboutOpenAccess(config: AppConfig): void {
  if (config.role === 'worker') return; // the worker serves only probes and metrics
  const logger = new Logger('Bootstrap');
  if (config.webhookSecrets.length === 0) logger.warn('WEBHOOK_SECRET is unset: webhooks are accepted unsigned (local use only)');
  if (config.apiKeys.length === 0) logger.warn('API_KEYS is unset: read and operator routes are open (local use only)');
}

let config: AppConfig | undefined;

async function main(): Promise<void> {
  config = loadConfig(process.env);
  // Before Nest: an unreachable database ends the boot within a known time, with one line.
  await waitForDatabase(config.databaseUrl);
  const app = await createApp(config);
  exitCleanlyOnSignals(app);
  // The port before init: a port in use fails the boot before any consumer takes a job.
  await listenOnPort(app.getHttpServer() as Server, config.port);
  await app.init();
  warnAboutOpenAccess(config);
  new Logger('Bootstrap').log(`Paycheck ${config.role} listening on port ${config.port}`);
}

main().catch((error: Error) => {
  const { msg, fields } = describeBootFailure(error);
  exitWithFatal(msg, fields, config);
});
