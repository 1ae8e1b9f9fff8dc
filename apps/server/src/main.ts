import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { createApp } from './bootstrap/create-app';
import { exitCleanlyOnSignals } from './bootstrap/graceful-shutdown';

/** Before a logger exists (bad config, failed boot): one line in the same shape pino writes. */
function exitWithFatal(msg: string, fields: Record<string, unknown> = {}): void {
  const line = { level: 'fatal', time: new Date().toISOString(), pid: process.pid, hostname: hostname(), msg, ...fields };
  process.exitCode = 1;
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(1));
  // Exit even if stdout never drains (a closed pipe).
  setTimeout(() => process.exit(1), 1000).unref();
}

function warnAboutOpenAccess(config: AppConfig): void {
  if (config.role === 'worker') return; // the worker serves only probes and metrics
  const logger = new Logger('Bootstrap');
  if (config.webhookSecrets.length === 0) logger.warn('WEBHOOK_SECRET is unset: webhooks are accepted unsigned (local use only)');
  if (config.apiKeys.length === 0) logger.warn('API_KEYS is unset: read and operator routes are open (local use only)');
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return exitWithFatal(error.message, { variable: error.variable });
  }
  const app = await createApp(config);
  exitCleanlyOnSignals(app);
  warnAboutOpenAccess(config);
  await app.listen(config.port);
  new Logger('Bootstrap').log(`Paycheck ${config.role} listening on port ${config.port}`);
}

main().catch((error: Error) => exitWithFatal(`Boot failed: ${error.message}`));
