import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AppConfig } from '@app/config';
import { PaycheckMetrics } from '@app/observability';
import { EventStreamClient } from './event-stream-client';
import { EventStreamRepository } from './event-stream.repository';
import { EVENT_STREAM_SETTINGS, type EventStreamSettings } from './event-stream.settings';
import { HEARTBEAT_FRAME, type StreamEventRow, type StreamFilter } from './stream-event';

export type OpenOutcome = { kind: 'opened'; client: EventStreamClient } | { kind: 'full' } | { kind: 'not-ready' } | { kind: 'closing' };

/**
 * The process's one poller and its clients: every pollIntervalMs it stamps what has committed
 * (if no other replica is stamping at that moment) and reads the events after its cursor once,
 * for all its clients; each client filters for itself. A client resuming from Last-Event-ID
 * first catches up with queries of its own, then joins the fan-out at the cursor.
 */
@Injectable()
export class EventStreamHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventStream');
  private readonly clients = new Set<EventStreamClient>();
  /** The last position read and fanned out; null until PostgreSQL first answered. */
  private cursor: bigint | null = null;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private closing = false;
  private failing = false;
  private polls = 0;

  constructor(
    private readonly repository: EventStreamRepository,
    private readonly config: AppConfig,
    @Inject(EVENT_STREAM_SETTINGS) readonly settings: EventStreamSettings,
    private readonly metrics: PaycheckMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.schedulePoll(0);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.settings.heartbeatIntervalMs).unref();
  }

  /** Before the HTTP server closes: no new stream, every open one ended, so the server can close at once. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
    this.metrics.eventStreamsOpen(0);
    await this.polling;
  }

  get openStreams(): number {
    return this.clients.size;
  }

  /** Poll rounds finished (successful or not): lets a test wait for "the poller has looked" without sleeping. */
  get completedPolls(): number {
    return this.polls;
  }

  /** Admits a stream (within EVENT_STREAM_LIMIT) starting after `lastEventId`, or at the cursor ("now") without one. */
  open(res: ServerResponse, filter: StreamFilter, lastEventId: bigint | undefined): OpenOutcome {
    if (this.closing) return { kind: 'closing' };
    if (this.clients.size >= this.config.eventStreamLimit) return { kind: 'full' };
    if (this.cursor === null) return { kind: 'not-ready' };
    const client = new EventStreamClient(res, filter, lastEventId ?? this.cursor, this.settings.maxBufferedBytes, (slow) =>
      this.cutSlow(slow),
    );
    this.clients.add(client);
    this.metrics.eventStreamsOpen(this.clients.size);
    res.once('close', () => this.remove(client));
    return { kind: 'opened', client };
  }

  /** Brings a new client up to the cursor with its own (filtered) reads, then hands it to the fan-out. */
  async catchUp(client: EventStreamClient): Promise<void> {
    while (!client.ended && !this.closing) {
      const upTo = this.cursor as bigint;
      if (client.position >= upTo) {
        client.live = true;
        return;
      }
      if (client.cutIfBehind()) return;
      const rows = await this.repository.eventsAfter(String(client.position), this.settings.batchSize, String(upTo), client.filter);
      for (const row of rows) client.deliver(row);
      // Every match up to `upTo` has been sent: the client stands there, whatever its filter skipped.
      if (rows.length < this.settings.batchSize && client.position < upTo) client.position = upTo;
    }
  }

  private remove(client: EventStreamClient): void {
    client.ended = true;
    if (this.clients.delete(client)) this.metrics.eventStreamsOpen(this.clients.size);
  }

  private cutSlow(client: EventStreamClient): void {
    this.metrics.eventStreamCutForSlowness();
    this.logger.warn(`Ended an event stream whose client stopped reading (over ${this.settings.maxBufferedBytes} bytes unsent)`);
    this.remove(client);
  }

  private heartbeat(): void {
    for (const client of this.clients) if (!client.cutIfBehind()) client.write(HEARTBEAT_FRAME);
  }

  private schedulePoll(delayMs: number): void {
    if (this.closing) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polls++;
        this.schedulePoll(this.settings.pollIntervalMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      await this.repository.stamp(this.settings.stampBatchSize);
      if (this.cursor === null || this.clients.size === 0) {
        // Nobody to fan out to: only keep "now" current for the next stream to open. A stream
        // opened during the query stands at the old cursor, so the cursor then stays (read next tick).
        const last = BigInt(await this.repository.lastPosition());
        if (this.cursor === null || this.clients.size === 0) this.cursor = last;
      } else {
        await this.readNew();
      }
      if (this.failing) this.logger.log('Event stream polling recovered');
      this.failing = false;
    } catch (error) {
      // Logged once per outage; streams stay open and resume where they were once PostgreSQL answers.
      if (!this.failing) this.logger.warn(`Event stream polling failed: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  private async readNew(): Promise<void> {
    for (;;) {
      if (this.closing || this.cursor === null) return;
      const rows = await this.repository.eventsAfter(String(this.cursor), this.settings.batchSize);
      this.fanOut(rows);
      if (rows.length < this.settings.batchSize) return;
    }
  }

  /** Synchronous: the cursor moves with the fan-out, so a catching-up client never falls between them. */
  private fanOut(rows: StreamEventRow[]): void {
    if (rows.length === 0) return;
    for (const client of this.clients) client.cutIfBehind();
    for (const row of rows) {
      for (const client of this.clients) if (client.live) client.deliver(row);
      this.cursor = BigInt(row.position);
    }
  }
}
