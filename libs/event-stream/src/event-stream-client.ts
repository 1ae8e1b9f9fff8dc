import type { ServerResponse } from 'node:http';
import { type StreamEventRow, type StreamFilter, matchesFilter, sseFrame } from './stream-event';

/**
 * One open GET /v1/events response. `position` is the last stream position this client has been
 * brought past (delivered, or skipped by its filter); it receives live fan-out only once its
 * catch-up has reached the hub's cursor.
 */
export class EventStreamClient {
  live = false;
  ended = false;

  constructor(
    readonly res: ServerResponse,
    readonly filter: StreamFilter,
    public position: bigint,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: (client: EventStreamClient) => void,
  ) {}

  /** Sends the event if it is past this client's position and passes its filter. */
  deliver(row: StreamEventRow): void {
    const position = BigInt(row.position);
    if (this.ended || position <= this.position) return;
    this.position = position;
    if (matchesFilter(row, this.filter)) this.write(sseFrame(row));
  }

  write(frame: string): void {
    if (!this.ended) this.res.write(frame);
  }

  /**
   * Called before each batch, never inside one: a batch written in one go is not drained until
   * the next turn, whoever the client is. A client still holding more than the bound of unsent
   * output a poll interval later has stopped reading: its socket is destroyed (ending it would
   * wait for a drain that never comes). Memory per client stays under the bound plus one batch.
   */
  cutIfBehind(): boolean {
    if (this.ended || this.res.writableLength <= this.maxBufferedBytes) return false;
    this.ended = true;
    this.res.destroy();
    this.onSlow(this);
    return true;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end();
  }
}
