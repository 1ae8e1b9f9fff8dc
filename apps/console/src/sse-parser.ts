/** One dispatched Server-Sent Event (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SseMessage {
  event: string;
  data: string;
  /** The last event id after this message (the `id:` field persists until changed). */
  lastEventId: string;
}

/**
 * The event-stream parser EventSource has built in, for a stream read with fetch() (EventSource
 * cannot send an Authorization header). Feed it decoded text in any chunking; it returns the
 * messages completed so far. `retry` reports a reconnection delay the server asked for.
 */
export class SseParser {
  lastEventId = '';
  retryMs: number | undefined;
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const end = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!end || (end[0] === '\r' && end.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, end.index);
      this.buffer = this.buffer.slice(end.index + end[0].length);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment: the heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.event = '';
    return data.length === 0 ? undefined : { event, data: data.join('\n'), lastEventId: this.lastEventId };
  }
}
