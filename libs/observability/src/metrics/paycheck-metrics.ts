import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'conflict', 'rejected', 'unauthorized', 'ignored'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export const PROCESSING_RESULTS = ['processed', 'failed', 'retried'] as const;
export type ProcessingResult = (typeof PROCESSING_RESULTS)[number];

/** The metrics of docs/operations.md, plus a per-route HTTP status counter. */
@Injectable()
export class PaycheckMetrics {
  private readonly webhooksReceived: Counter<'provider' | 'outcome'>;
  private readonly webhookAck: Histogram;
  private readonly transactionsProcessed: Counter<'result'>;
  private readonly processingDuration: Histogram;
  private readonly reconciledTotal: Counter;
  private readonly lateSuccesses: Counter;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly eventStreams: Gauge;
  private readonly eventStreamsCut: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.webhooksReceived = new Counter({
      name: 'paycheck_webhooks_received_total',
      help: 'Webhook deliveries answered, by provider route (native, stripe, ...) and outcome (accepted, duplicate, conflict, rejected, unauthorized, ignored)',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.webhookAck = new Histogram({
      name: 'paycheck_webhook_ack_seconds',
      help: 'Time from a webhook arriving to its 202 answer (accepted and duplicate deliveries)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.transactionsProcessed = new Counter({
      name: 'paycheck_transactions_processed_total',
      help: 'Processing attempts by result: processed, failed (out of attempts) or retried (backing off)',
      labelNames: ['result'],
      registers,
    });
    this.processingDuration = new Histogram({
      name: 'paycheck_processing_seconds',
      help: 'Duration of one processing attempt: the external call and the ledger commit',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 120, 300],
      registers,
    });
    this.reconciledTotal = new Counter({
      name: 'paycheck_reconciled_total',
      help: 'Transactions the recovery sweep put back on the queue because their job was missing',
      registers,
    });
    this.lateSuccesses = new Counter({
      name: 'paycheck_settlement_late_success_total',
      help: 'Settlements that succeeded after another delivery had marked the transaction FAILED (moved to PROCESSED)',
      registers,
    });
    this.httpRequests = new Counter({
      name: 'paycheck_http_requests_total',
      help: 'HTTP responses by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.eventStreams = new Gauge({
      name: 'paycheck_event_streams',
      help: 'GET /v1/events streams open on this process',
      registers,
    });
    this.eventStreamsCut = new Counter({
      name: 'paycheck_event_stream_slow_clients_total',
      help: 'Event streams ended because the client stopped reading (its unsent output passed the bound)',
      registers,
    });
    // Every series exists from the start, so rate() and increase() see the first event.
    this.trackWebhookProviders(['native']);
    for (const result of PROCESSING_RESULTS) this.transactionsProcessed.inc({ result }, 0);
  }

  /** Creates every outcome's series for these provider routes (only enabled ones are passed). */
  trackWebhookProviders(providers: readonly string[]): void {
    for (const provider of providers) for (const outcome of WEBHOOK_OUTCOMES) this.webhooksReceived.inc({ provider, outcome }, 0);
  }

  webhookReceived(provider: string, outcome: WebhookOutcome): void {
    this.webhooksReceived.inc({ provider, outcome });
  }

  webhookAcknowledged(seconds: number): void {
    this.webhookAck.observe(seconds);
  }

  transactionProcessed(result: ProcessingResult, seconds: number): void {
    this.transactionsProcessed.inc({ result });
    this.processingDuration.observe(seconds);
  }

  /** The provider settled a transaction we had marked FAILED: it is PROCESSED now. */
  settlementLateSuccess(): void {
    this.lateSuccesses.inc();
  }

  reconciled(count: number): void {
    if (count > 0) this.reconciledTotal.inc(count);
  }

  httpResponse(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  eventStreamsOpen(count: number): void {
    this.eventStreams.set(count);
  }

  eventStreamCutForSlowness(): void {
    this.eventStreamsCut.inc();
  }
}
