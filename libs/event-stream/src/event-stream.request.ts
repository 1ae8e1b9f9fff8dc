import { type FieldError, Problems } from '@app/http';
import type { StreamFilter } from './stream-event';

/** Every query parameter GET /v1/events takes; any other is a 400 (KnownQueryPipe). */
export const STREAM_QUERY_PARAMETERS = ['transaction_id', 'account', 'last_event_id'] as const;

/** Same rule as the ids and accounts intake accepts: a value that cannot match anything is refused, not streamed empty. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** A stream position: a positive bigint, at most 18 digits so it always fits PostgreSQL's bigint. */
const STREAM_ID = /^\d{1,18}$/;

export interface StreamRequest {
  filter: StreamFilter;
  /** Resume after this position; undefined starts at "now". */
  lastEventId?: bigint;
}

/**
 * Reads the filters and the resume point. The Last-Event-ID header wins over `?last_event_id=`:
 * a browser's EventSource reconnects to the same URL (query included) with the header set to the
 * last id it received, which is the newer of the two.
 */
export function parseStreamRequest(query: Record<string, unknown>, lastEventIdHeader: string | undefined): StreamRequest {
  const errors: FieldError[] = [];
  const filter: StreamFilter = {};
  for (const [name, key] of [
    ['transaction_id', 'transactionId'],
    ['account', 'account'],
  ] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value === 'string' && IDENTIFIER.test(value)) filter[key] = value;
    else errors.push({ field: name, message: 'must be 1-128 characters of A-Z a-z 0-9 _ . : -, starting with a letter or digit' });
  }
  const header = lastEventIdHeader?.trim();
  const [field, raw] = header ? ['Last-Event-ID', header] : ['last_event_id', query.last_event_id];
  let lastEventId: bigint | undefined;
  if (raw !== undefined) {
    if (typeof raw === 'string' && STREAM_ID.test(raw)) lastEventId = BigInt(raw);
    else errors.push({ field, message: 'must be the id of an event received from this stream (a whole number)' });
  }
  if (errors.length > 0) throw Problems.validation(errors, 'The stream request is invalid.');
  return { filter, lastEventId };
}
