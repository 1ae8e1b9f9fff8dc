/** The API's shapes, as the console reads them (amounts as decimal text: see money.ts). */
export type Status = 'PROCESSING' | 'PROCESSED' | 'FAILED';
export const STATUSES: readonly Status[] = ['PROCESSING', 'PROCESSED', 'FAILED'];

export interface Transaction {
  transaction_id: string;
  source_account: string;
  destination_account: string;
  amount: string;
  currency: string;
  status: Status;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  processed_at: string | null;
}

export interface TransactionPage {
  items: Transaction[];
  next_cursor: string | null;
}

export interface TimelineEvent {
  id: string;
  transaction_id: string;
  type: string;
  occurred_at: string;
  status: Status;
  details: Record<string, unknown>;
}

/** A stream event: the timeline event plus what a list needs to show a new transaction. */
export interface StreamEvent extends TimelineEvent {
  source_account: string;
  destination_account: string;
  amount: string;
  currency: string;
}

export interface LedgerLeg {
  account_id: string;
  direction: 'debit' | 'credit';
  amount: string;
  currency: string;
  posted_at: string;
}

export interface WindowStats {
  received: number;
  processed: number;
  failed: number;
  processed_volume: Record<string, string>;
}

export interface Stats {
  by_status: Record<string, number>;
  last_hour: WindowStats;
  last_day: WindowStats;
  as_of: string;
}

export interface Balance {
  account_id: string;
  balances: Record<string, string>;
}
