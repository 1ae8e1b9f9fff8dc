import { HttpStatus, type INestApplication, Logger } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Application, NextFunction, Request, Response } from 'express';
import { type FieldError, PROBLEM_CONTENT_TYPE, type ProblemDocument, Problems, problemForStatus } from '@app/http';
import { SettlementQueue, type ShardQueue } from '@app/queue';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** The dashboard's API answers within this, or 503: a frozen Redis must not leave the page spinning. */
export const DASHBOARD_API_DEADLINE_MS = 3000;
/** Paging bounds: beyond them bull-board's range arithmetic reaches Redis as a script error. */
export const DASHBOARD_MAX_JOBS_PER_PAGE = 100;
export const DASHBOARD_MAX_PAGE = 100_000;
const RETRY_AFTER_SECONDS = '5';
const READ_METHODS = new Set(['GET', 'HEAD']);

const logger = new Logger('QueueDashboard');

/**
 * bull-board, read-only. Retries, removals and pauses go through Paycheck's own routes, which
 * keep the ledger rules (a job retried here would bypass the attempt budget and the FAILED →
 * PROCESSING transition). Its API answers within DASHBOARD_API_DEADLINE_MS, and every error it
 * gives is a problem document that names no internals.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  const queue = app.get(SettlementQueue);
  const { replaceQueues } = createBullBoard({
    queues: boardQueues(queue.knownQueues()),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Paycheck queues' } },
  });
  // Queues of an earlier layout (QUEUE_SHARDS changed) appear once a refresh finds them.
  queue.onLayoutsChanged((queues) => replaceQueues(boardQueues(queues)));
  const board = serverAdapter.getRouter() as Application; // bull-board's own Express app
  board.disable('x-powered-by');
  app.use(QUEUE_DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => guardApi(queue, req, res, next), board);
}

/** One entry per settlement queue: "settlement" alone, or "settlement shard k" (and older layouts' queues by name). */
function boardQueues(queues: ShardQueue[]): BullMQAdapter[] {
  const displayName = ({ name, shard }: ShardQueue) =>
    queues.length === 1 ? 'settlement' : /^\d+$/.test(shard) ? `settlement shard ${shard}` : name;
  return queues.map((entry) => new BullMQAdapter(entry.queue, { displayName: displayName(entry), readOnlyMode: true }));
}

function guardApi(queue: SettlementQueue, req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/api/') && req.path !== '/api') return next();
  if (!READ_METHODS.has(req.method)) {
    res.set('Allow', 'GET, HEAD');
    return sendProblem(res, {
      ...problemForStatus(HttpStatus.METHOD_NOT_ALLOWED),
      detail:
        'The queue dashboard is read-only. Retry through POST /v1/transactions/{transaction_id}/retry or POST /v1/transactions/retry.',
    });
  }
  const errors = pagingErrors(req.query);
  if (errors.length > 0) return sendProblem(res, Problems.validation(errors, 'The query is invalid.').problem);
  if (!queue.isConnected()) return sendUnavailable(res);
  answerWithin(res, DASHBOARD_API_DEADLINE_MS);
  next();
}

function pagingErrors(query: Request['query']): FieldError[] {
  const bounds: Record<string, number> = { page: DASHBOARD_MAX_PAGE, jobsPerPage: DASHBOARD_MAX_JOBS_PER_PAGE };
  return Object.entries(bounds).flatMap(([field, max]) => {
    const value = query[field];
    if (value === undefined) return [];
    const ok = typeof value === 'string' && /^\d{1,6}$/.test(value) && Number(value) >= 1 && Number(value) <= max;
    return ok ? [] : [{ field, message: `must be a whole number from 1 to ${max}` }];
  });
}

/**
 * Answers 503 if bull-board has not answered by `ms` (Redis frozen mid-request), drops its late
 * answer, and turns its own error answers (which quote Redis and Lua errors) into generic problem
 * documents. bull-board writes every API answer, errors included, through res.json.
 */
function answerWithin(res: Response, ms: number): void {
  const json = res.json.bind(res);
  let answered = false;
  const timer = setTimeout(() => {
    if (answered || res.headersSent) return;
    answered = true;
    sendUnavailable(res);
  }, ms);
  const stop = () => clearTimeout(timer);
  res.once('finish', stop).once('close', stop);
  res.json = (body: unknown) => {
    stop();
    if (answered || res.headersSent) return res; // the 503 went out already
    answered = true;
    if (res.statusCode < 400) return json(body);
    if (res.statusCode >= 500) logger.warn({ msg: 'Queue dashboard API failed', status: res.statusCode, error: body });
    sendProblem(res, problemForStatus(res.statusCode, dashboardErrorDetail(res.statusCode)));
    return res;
  };
}

function dashboardErrorDetail(status: number): string {
  if (status === (HttpStatus.NOT_FOUND as number)) return 'No such queue or job.';
  if (status >= 500) return 'The queue dashboard could not read the queue. Retry later.';
  return 'The dashboard request is invalid.';
}

function sendUnavailable(res: Response): void {
  res.set('Retry-After', RETRY_AFTER_SECONDS);
  sendProblem(res, {
    type: 'https://paycheck.dev/problems/queue-unavailable',
    title: 'Service Unavailable',
    status: HttpStatus.SERVICE_UNAVAILABLE,
    detail: 'Redis, which holds the queue, is not answering. Transactions are still accepted and recorded; retry later.',
  });
}

function sendProblem(res: Response, problem: ProblemDocument): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
