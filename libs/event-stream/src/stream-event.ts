import { type TransactionEventType, type TransactionStatus, statusAfter } from '@app/transactions';
/** One timeline event with its stream position and the transaction fields a list needs. */
export interface StreamEventRow {
  position: string;
  event_id: string;
  transaction_id: string;
  type: TransactionEventType;
  details: Record<string, unknown>;
  occurred_at: Date;
  source_account: string;
  destination_account: string;
  amount: string;
  currency: string;
  /** The transaction's status now: what a redelivery's `received` leaves it in. */
  current_status: TransactionStatus;
}

/** What a client filters on; both optional, both must match when given. */
export interface StreamFilter {
  transactionId?: string;
  account?: string;
}

export function matchesFilter(row: StreamEventRow, filter: StreamFilter): boolean {
  if (filter.transactionId !== undefined && row.transaction_id !== filter.transactionId) return false;
  if (filter.account !== undefined && row.source_account !== filter.account && row.destination_account !== filter.account) return false;
  return true;
}

/** The SSE frame: the stream position as `id`, the event type as `event`, the event view as one JSON line. */
export function sseFrame(row: StreamEventRow): string {
  const data = {
    id: row.event_id,
    stream_id: row.position,
    transaction_id: row.transaction_id,
    type: row.type,
    occurred_at: row.occurred_at.toISOString(),
    status: statusAfter(row, row.current_status),
    details: row.details,
    source_account: row.source_account,
    destination_account: row.destination_account,
    amount: row.amount,
    currency: row.currency,
  };
  return `id: ${row.position}\nevent: ${row.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const HEARTBEAT_FRAME = ': heartbeat\n\n';
