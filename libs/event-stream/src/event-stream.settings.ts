/** Timings and bounds of the live event stream; tests shorten them, production keeps the defaults. */
export interface EventStreamSettings {
  /** How often each API process asks PostgreSQL for new events (one query per process, not per client). */
  pollIntervalMs: number;
  /** A comment line written to every open stream this often, so proxies and clients see it alive. */
  heartbeatIntervalMs: number;
  /** A client whose unsent output exceeds this is disconnected instead of buffered further. */
  maxBufferedBytes: number;
  /** Events read per query, by the poller and by a resuming client's catch-up. */
  batchSize: number;
  /** Events given a stream position per stamping round (one process stamps at a time). */
  stampBatchSize: number;
  /** Retry-After of the 503 answered beyond EVENT_STREAM_LIMIT. */
  retryAfterSeconds: number;
}

export const DEFAULT_EVENT_STREAM_SETTINGS: Readonly<EventStreamSettings> = Object.freeze({
  pollIntervalMs: 200,
  heartbeatIntervalMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  batchSize: 1000,
  stampBatchSize: 10_000,
  retryAfterSeconds: 5,
});

export const EVENT_STREAM_SETTINGS = Symbol('EVENT_STREAM_SETTINGS');
