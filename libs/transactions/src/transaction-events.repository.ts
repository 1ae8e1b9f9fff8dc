import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionEventType } from './transaction-event.entity';
import { StoredEvent } from './transaction-event.view';

interface EventRow {
  id: string | null;
  type: TransactionEventType | null;
  details: Record<string, unknown> | null;
  occurred_at: Date | null;
}

/** Reads of transaction_events; the rows are written by intake's statement and by triggers (see the migrations). */
@Injectable()
export class TransactionEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The timeline oldest first; null when there is no such transaction ([] for one without events). */
  async timelineOf(transactionId: string): Promise<StoredEvent[] | null> {
    // One statement, so "unknown" and "no events yet" are told apart in the same snapshot.
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT e.id::text AS id, e.type, e.details, e.occurred_at
         FROM transactions t
         LEFT JOIN transaction_events e ON e.transaction_id = t.transaction_id
        WHERE t.transaction_id = $1
        ORDER BY e.id`,
      [transactionId],
    );
    if (rows.length === 0) return null;
    return rows
      .filter((row): row is { [K in keyof EventRow]: NonNullable<EventRow[K]> } => row.id !== null)
      .map((row) => ({ id: row.id, transactionId, type: row.type, details: row.details, occurredAt: row.occurred_at }));
  }
}
