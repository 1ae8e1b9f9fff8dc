import { ApiProperty } from '@nestjs/swagger';
import { TRANSACTION_EVENT_TYPES, TransactionEventType } from './transaction-event.entity';
import { TRANSACTION_STATUSES, TransactionStatus } from './transaction.entity';

/** One timeline event as the API (and the event stream) shows it. */
export class TransactionEventView {
  @ApiProperty({ example: '1842', description: "The event's id (a decimal string): increasing within a transaction's timeline" })
  id!: string;

  @ApiProperty({ example: 'txn_demo_1' })
  transaction_id!: string;

  @ApiProperty({ enum: TRANSACTION_EVENT_TYPES, example: 'received' })
  type!: TransactionEventType;

  @ApiProperty({ format: 'date-time', example: '2026-11-26T09:12:33.120Z' })
  occurred_at!: string;

  @ApiProperty({ enum: TRANSACTION_STATUSES, example: 'PROCESSING', description: "The transaction's status right after this event" })
  status!: TransactionStatus;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { source: 'native', request_id: '5b0c…', redelivery: false },
    description:
      'By type: received {source, request_id, redelivery, reverses?}; attempt_failed {attempt, error}; processed {attempt, late}; ' +
      'failed {attempt, error}; retried {mode: single|bulk}. Events synthesised for rows older than timelines carry "backfilled": true.',
  })
  details!: Record<string, unknown>;
}

/** GET /v1/transactions/{transaction_id}/events. */
export class TransactionEventListView {
  @ApiProperty({ type: [TransactionEventView], description: 'Oldest first' })
  items!: TransactionEventView[];
}

export interface StoredEvent {
  id: string;
  transactionId: string;
  type: TransactionEventType;
  details: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * The status a transaction has right after an event, given the status before it. A redelivery
 * changes nothing; every other type names the status it leaves the row in.
 */
export function statusAfter(event: Pick<StoredEvent, 'type' | 'details'>, before: TransactionStatus | undefined): TransactionStatus {
  switch (event.type) {
    case 'processed':
      return 'PROCESSED';
    case 'failed':
      return 'FAILED';
    case 'received':
      return event.details.redelivery === true && before !== undefined ? before : 'PROCESSING';
    default:
      return 'PROCESSING';
  }
}

/** A timeline, oldest first, with the status after each event. */
export function toEventViews(events: StoredEvent[]): TransactionEventView[] {
  let status: TransactionStatus | undefined;
  return events.map((event) => {
    status = statusAfter(event, status);
    return {
      id: event.id,
      transaction_id: event.transactionId,
      type: event.type,
      occurred_at: event.occurredAt.toISOString(),
      status,
      details: event.details,
    };
  });
}
