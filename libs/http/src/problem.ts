import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types are documented in docs/api.md ("Errors"); generic statuses use about:blank. */
const PROBLEM_TYPE_BASE = 'https://paycheck.dev/problems/';

export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDocument,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem, problem.status);
  }
}

function problem(status: HttpStatus, slug: string | null, title: string, detail: string, errors?: FieldError[]) {
  return {
    type: slug ? PROBLEM_TYPE_BASE + slug : 'about:blank',
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
}

export const Problems = {
  validation: (errors: FieldError[], detail = 'The request body is not a valid transaction.') =>
    new ProblemException(problem(HttpStatus.BAD_REQUEST, 'validation-error', 'Invalid request', detail, errors)),
  badRequest: (detail: string) => new ProblemException(problem(HttpStatus.BAD_REQUEST, 'bad-request', 'Bad Request', detail)),
  malformedJson: () =>
    new ProblemException(problem(HttpStatus.BAD_REQUEST, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.')),
  unauthorized: (detail: string) => new ProblemException(problem(HttpStatus.UNAUTHORIZED, 'unauthorized', 'Unauthorized', detail)),
  notFound: (detail: string) => new ProblemException(problem(HttpStatus.NOT_FOUND, null, 'Not Found', detail)),
  conflict: (slug: string, detail: string) => new ProblemException(problem(HttpStatus.CONFLICT, slug, 'Conflict', detail)),
  payloadTooLarge: (limitBytes: number) =>
    new ProblemException(
      problem(HttpStatus.PAYLOAD_TOO_LARGE, 'payload-too-large', 'Payload Too Large', `The body exceeds the ${limitBytes}-byte limit.`),
    ),
  unsupportedMediaType: () =>
    new ProblemException(
      problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported-media-type', 'Unsupported Media Type', 'Send the body as application/json.'),
    ),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ProblemException(
      problem(HttpStatus.TOO_MANY_REQUESTS, 'rate-limited', 'Too Many Requests', 'Slow down and retry after the indicated delay.'),
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  starting: () =>
    new ProblemException(
      problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        'starting',
        'Service Unavailable',
        'The service is starting. Retry shortly: nothing was recorded.',
      ),
      { 'Retry-After': '1' },
    ),
  /** No room for another live event stream on this process (EVENT_STREAM_LIMIT), or it is shutting down. */
  streamUnavailable: (detail: string, retryAfterSeconds: number) =>
    new ProblemException(problem(HttpStatus.SERVICE_UNAVAILABLE, 'stream-unavailable', 'Service Unavailable', detail), {
      'Retry-After': String(retryAfterSeconds),
    }),
  /** A refund whose payment is not recorded yet: providers redeliver on any non-2xx, and 503 is the one every sender retries. */
  paymentNotRecorded: (detail: string, retryAfterSeconds: number) =>
    new ProblemException(problem(HttpStatus.SERVICE_UNAVAILABLE, 'payment-not-recorded', 'Payment Not Recorded Yet', detail), {
      'Retry-After': String(retryAfterSeconds),
    }),
  storageUnavailable: () =>
    new ProblemException(
      problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        'storage-unavailable',
        'Service Unavailable',
        'The transaction store is unavailable, so this delivery is not acknowledged. Retry later: redelivering is always safe.',
      ),
      { 'Retry-After': '5' },
    ),
};

export function problemForStatus(status: number, detail?: string): ProblemDocument {
  const title = httpReason(status);
  return { type: 'about:blank', title, status, detail: detail ?? title };
}

function httpReason(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return status >= 500 ? 'Internal Server Error' : 'Bad Request';
  return name
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join(' ');
}
