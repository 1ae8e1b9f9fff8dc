import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig, AppRole, LogLevel } from '@app/config';

/** Headers that carry credentials: never written to a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-razorpay-signature"]',
  'req.headers["x-paystack-signature"]',
  'res.headers["set-cookie"]',
];

/**
 * The one pino logger of a process: JSON lines on stdout, level names as strings and ISO
 * timestamps so humans and log pipelines read the same line. LOG_LEVEL names are pino's own.
 *
 * stdout is written asynchronously: lines logged while a write is in flight go out together in
 * the next one (a synchronous write per line cost 15% of intake's CPU). Lines are whole JSON
 * either way; what is still buffered is written synchronously when the process exits, fatal
 * exits included (pino registers that flush for its own destinations).
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
    destination ?? pino.destination({ dest: 1, sync: false }),
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
