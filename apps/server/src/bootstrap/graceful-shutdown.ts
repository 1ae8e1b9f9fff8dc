import { INestApplication, Logger } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: stop taking work, let BullMQ workers finish what they hold, close
 * connections, exit 0. Nest's own enableShutdownHooks() runs the same hooks but re-raises the
 * signal afterwards, which turns a clean stop into exit status 143.
 */
export function exitCleanlyOnSignals(app: INestApplication): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`Received ${signal}: finishing in-flight work, then exiting`);
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`Shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
