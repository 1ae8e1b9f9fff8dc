import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { rootLoggerFor } from './root-logger';

/**
 * Nest's logger from the very first line, before dependency injection exists: boot messages,
 * and the errors of a boot that fails (database unreachable, bad migration), come out as JSON
 * lines like everything else instead of Nest's coloured console format.
 */
export function createBootLogger(config: AppConfig): LoggerService {
  const params = { pinoHttp: { logger: rootLoggerFor(config) } };
  return new Logger(new PinoLogger(params), params);
}
