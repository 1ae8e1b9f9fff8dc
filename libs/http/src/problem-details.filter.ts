import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from './database-errors';
import { PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException, Problems, problemForStatus } from './problem';

/**
 * Every error leaves as an RFC 9457 problem document. Anything unexpected is logged in full
 * here and answered with a generic 500: no stack, SQL or internal name ever reaches a client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.answer(exception, host.switchToHttp().getResponse<Response>());
  }

  /** The same answer outside Nest's routing (the webhook fast path). */
  answer(exception: unknown, response: Response): void {
    const { problem, headers } = this.toProblem(exception);
    if (response.headersSent) return;
    response.status(problem.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): { problem: ProblemDocument; headers: Readonly<Record<string, string>> } {
    if (exception instanceof ProblemException) return { problem: exception.problem, headers: exception.headers };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail = status < 500 && typeof exception.message === 'string' ? exception.message : undefined;
      return { problem: problemForStatus(status, detail), headers: {} };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`PostgreSQL unavailable: ${(exception as Error).message}`);
      const unavailable = Problems.storageUnavailable();
      return { problem: unavailable.problem, headers: unavailable.headers };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { problem: problemForStatus(500, 'An unexpected error occurred.'), headers: {} };
  }
}
