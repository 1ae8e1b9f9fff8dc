import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { waitFor } from './wait-for';

export interface StreamedEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
  /** When this process parsed it (Date.now()), for latency figures. */
  receivedAt: number;
}

export interface StreamAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body of a non-200 answer (a problem document). */
  body?: string;
  stream?: EventStreamReader;
}

/** Deadline for the answer's status line and headers. */
const OPEN_DEADLINE_MS = 10_000;

/**
 * A GET /v1/events client over a real socket (node:http, no agent), parsing frames as they come:
 * events, comments (heartbeats) and the end of the stream. Used by the e2e specs and the bench.
 */
export class EventStreamReader {
  readonly events: StreamedEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  readonly endedAt: Promise<number>;
  private buffer = '';

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.parse(chunk));
    this.endedAt = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        resolve(Date.now());
      };
      res.once('end', done);
      res.once('close', done);
      res.once('error', done);
    });
  }

  /** Opens `url` (path and query included) with these headers; resolves with the answer's status. */
  static open(url: string, headers: Record<string, string> = {}): Promise<StreamAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { Accept: 'text/event-stream', ...headers }, agent: false });
      req.setTimeout(OPEN_DEADLINE_MS, () => req.destroy(new Error(`no answer from ${url} within ${OPEN_DEADLINE_MS} ms`)));
      req.once('error', reject);
      req.once('response', (res) => {
        req.setTimeout(0);
        if (res.statusCode !== 200) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          return;
        }
        resolve({ status: 200, headers: res.headers, stream: new EventStreamReader(req, res) });
      });
      req.end();
    });
  }

  /** Opens and requires a 200. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const answer = await EventStreamReader.open(url, headers);
    if (!answer.stream) throw new Error(`GET ${url} answered ${answer.status}: ${answer.body}`);
    return answer.stream;
  }

  get lastId(): string | undefined {
    return this.events[this.events.length - 1]?.id;
  }

  /** Waits until at least `count` events have arrived; returns them all. */
  untilEvents(count: number, timeoutMs = 20_000): Promise<StreamedEvent[]> {
    return waitFor(
      `${count} streamed events`,
      () => Promise.resolve(this.events),
      (events) => events.length >= count,
      timeoutMs,
      10,
    );
  }

  close(): void {
    this.req.destroy();
  }

  private parse(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
        }
      }
      if (fields.data !== undefined) {
        this.events.push({
          id: fields.id,
          event: fields.event,
          data: JSON.parse(fields.data) as Record<string, unknown>,
          receivedAt: Date.now(),
        });
      }
    }
  }
}
