export { isDatabaseUnavailable } from './database-errors';
export { jsonBodyParser, RawBodyRequest } from './json-body';
export { FieldError, PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException, Problems, problemForStatus } from './problem';
export { ProblemDetailsFilter } from './problem-details.filter';
export { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id.middleware';
