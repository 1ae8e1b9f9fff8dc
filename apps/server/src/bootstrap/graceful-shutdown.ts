import { type INestApplication, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SHUTDOWN_MARGIN_MS } from '@app/processing';

/** How long after SIGTERM the process exits 0 whatever is still pending (docs/guarantees.md). */
export function shutdownDeadlineMs(config: AppConfig): number {
  // Only roles that settle hold calls, each bounded by SETTLEMENT_TIMEOUT_MS.
  return (config.role === 'api' ? 0 : config.settlementTimeoutMs) + SHUTDOWN_MARGIN_MS;
}

/**
 * SIGTERM/SIGINT: stop taking work, let BullMQ workers finish what they hold, close
 * connections, exit 0. Nest's own enableShutdownHooks() runs the same hooks but re-raises the
 * signal afterwards, which turns a clean stop into exit status 143. The stop is bounded: past
 * shutdownDeadlineMs the process exits 0 anyway, and whatever Redis did not record as ended
 * comes back through stall detection on another worker.
 */
export function exitCleanlyOnSignals(app: INestApplication): void {
  const logger = new Logger('Shutdown');
  const deadlineMs = shutdownDeadlineMs(app.get(AppConfig));
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`Received ${signal}: finishing in-flight work, then exiting (at most ${deadlineMs} ms)`);
    setTimeout(() => {
      logger.warn(`Shutdown still incomplete after ${deadlineMs} ms: exiting; unfinished jobs come back through stall detection`);
      process.exit(0);
    }, deadlineMs).unref();
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
