import { type Api } from './api.js';
import { type SseMessage, SseParser } from './sse-parser.js';

/** Heartbeats come every 15 s: three missed ones mean a dead connection, so reconnect. */
export const STALL_DEADLINE_MS = 45_000;
/** Deadline for the stream's response headers. */
export const CONNECT_DEADLINE_MS = 10_000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

export type LiveState = 'connecting' | 'live' | 'retrying';

export interface LiveHandlers {
  /** The stream is open; `resumed` when it carried on from the last event seen (nothing missed). */
  open(resumed: boolean): void;
  message(message: SseMessage): void;
  state(state: LiveState, detail?: string): void;
}

/**
 * GET /v1/events read with fetch() and SseParser, since EventSource cannot send the Bearer key.
 * Reconnects with Last-Event-ID, so a dropped connection loses nothing; when the server refuses
 * the resume point (400) it starts afresh and says so (`open(false)`), and the caller reloads.
 */
export class LiveStream {
  private controller: AbortController | undefined;
  private stopped = false;
  private opened = false;

  constructor(
    private readonly api: Api,
    private readonly url: string,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  private async run(): Promise<void> {
    let lastEventId = '';
    let retryMs = FIRST_RETRY_MS;
    while (!this.stopped) {
      this.handlers.state('connecting');
      const parser = new SseParser();
      parser.lastEventId = lastEventId;
      let outcome: Awaited<ReturnType<LiveStream['connect']>> | undefined;
      let detail = 'connection lost';
      this.opened = false;
      try {
        outcome = await this.connect(parser, lastEventId);
      } catch (error) {
        if (error instanceof Error && error.name !== 'AbortError') detail = error.message;
      }
      lastEventId = outcome === 'resume-refused' ? '' : parser.lastEventId;
      if (this.stopped) return;
      if (outcome === 'unauthorized') {
        await this.api.signIn();
        continue;
      }
      if (outcome === 'resume-refused') continue;
      if (this.opened) retryMs = FIRST_RETRY_MS;
      if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      if (typeof outcome === 'number') retryMs = outcome;
      this.handlers.state('retrying', detail);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }

  /** One connection, until it ends. A number is the Retry-After the server asked for (503). */
  private async connect(parser: SseParser, lastEventId: string): Promise<'ended' | 'unauthorized' | 'resume-refused' | number> {
    const controller = new AbortController();
    this.controller = controller;
    let timer = setTimeout(() => controller.abort(), CONNECT_DEADLINE_MS);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), STALL_DEADLINE_MS);
    };
    try {
      const res = await fetch(this.url, {
        headers: { Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}), ...this.api.authorization() },
        credentials: 'omit',
        cache: 'no-store',
        signal: controller.signal,
      });
      if (res.status === 401) return 'unauthorized';
      if (res.status === 400 && lastEventId) return 'resume-refused';
      if (res.status === 503) return Number(res.headers.get('Retry-After') ?? '5') * 1000 || FIRST_RETRY_MS;
      if (!res.ok || !res.body) throw new Error(`the stream answered ${res.status}`);
      touch();
      this.opened = true;
      this.handlers.state('live');
      this.handlers.open(lastEventId !== '');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        touch();
        for (const message of parser.push(value)) this.handlers.message(message);
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
