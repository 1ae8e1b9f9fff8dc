import { hostname } from 'node:os';
import pino, { DestinationStream, Logger } from 'pino';
import type { AppConfig, AppRole, LogLevel } from '@app/config';

/** Headers that carry credentials: never written to a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'res.headers["set-cookie"]',
];

/**
 * The one pino logger of a process: JSON lines on stdout, level names as strings and ISO
 * timestamps so humans and log pipelines read the same line. LOG_LEVEL names are pino's own.
 */
export function createRootLogger(level: LogLevel, role: AppRole, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, hostname: hostname(), role },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

const rootLoggers = new WeakMap<AppConfig, Logger>();

/** The process's root logger for this configuration: the boot logger and the Nest module share it. */
export function rootLoggerFor(config: AppConfig): Logger {
  let logger = rootLoggers.get(config);
  if (!logger) {
    logger = createRootLogger(config.logLevel, config.role);
    rootLoggers.set(config, logger);
  }
  return logger;
}
