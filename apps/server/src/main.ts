import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@app/config';
import { createApp } from './bootstrap/create-app';
import { exitCleanlyOnSignals } from './bootstrap/graceful-shutdown';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', message: error.message, variable: error.variable })}\n`);
    process.exit(1);
  }
  const app = await createApp(config);
  exitCleanlyOnSignals(app);
  const logger = new Logger('Bootstrap');
  if (config.webhookSecrets.length === 0) logger.warn('WEBHOOK_SECRET is unset: webhooks are accepted unsigned (local use only)');
  if (config.apiKeys.length === 0) logger.warn('API_KEYS is unset: read and operator routes are open (local use only)');
  await app.listen(config.port);
  logger.log(`Paycheck ${config.role} listening on port ${config.port}`);
}

main().catch((error: Error) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message: `Boot failed: ${error.message}` })}\n`);
  process.exit(1);
});
