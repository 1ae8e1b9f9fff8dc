export { ApiProblemResponse } from './api-problem-response.decorator';
export { isDatabaseUnavailable } from './database-errors';
export { FieldErrorView } from './field-error.view';
export {
  DEADLINE_CHECK_INTERVAL_MS,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  applyClientTimeouts,
} from './client-timeouts';
export { KnownQueryPipe } from './known-query.pipe';
export { jsonBodyParser, RawBodyRequest } from './json-body';
export { Middleware, runMiddleware } from './middleware-chain';
export { FieldError, PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException, Problems, problemForStatus } from './problem';
export { ProblemDetailsFilter } from './problem-details.filter';
export { ProblemDocumentView } from './problem-document.view';
export { REQUEST_ID_HEADER, requestIdMiddleware, requestIdOf } from './request-id.middleware';
export { validationProblemPipe } from './validation-problem.pipe';
