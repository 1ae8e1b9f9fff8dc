import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { inTransaction } from '@app/database';
import type { StreamEventRow, StreamFilter } from './stream-event';

/** Arbitrary, fixed: one stamper at a time across every API replica. */
export const STAMPER_LOCK_KEY = 7_315_220_014;

const SELECT_EVENTS = `
  SELECT s.position::text AS position, e.id::text AS event_id, e.transaction_id, e.type, e.details, e.occurred_at,
         t.source_account, t.destination_account, t.amount::text AS amount, t.currency,
         t.status AS current_status
    FROM event_stream s
    JOIN transaction_events e ON e.id = s.event_id
    JOIN transactions t ON t.transaction_id = e.transaction_id`;

/**
 * Stream positions and reads by position. Every statement runs on the serving pool, whose
 * client-side query timeout bounds it; a failure surfaces to the poller, which retries next tick.
 */
@Injectable()
export class EventStreamRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Gives positions to the events whose writers have finished (xid below the oldest running one,
   * read from the same statement's snapshot), in (xid, id) order after the last stamped event.
   * Only the holder of the advisory lock stamps; the others return null at once.
   */
  stamp(limit: number): Promise<number | null> {
    return inTransaction(this.dataSource, async (manager) => {
      const [{ locked }] = await manager.query<Array<{ locked: boolean }>>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        STAMPER_LOCK_KEY,
      ]);
      if (!locked) return null;
      // Qualified: a bare ORDER BY position would sort by the text alias ('9' after '10').
      const last = await manager.query<Array<{ position: string; xid: string; event_id: string }>>(
        `SELECT s.position::text AS position, s.xid::text AS xid, s.event_id::text AS event_id FROM event_stream s ORDER BY s.position DESC LIMIT 1`,
      );
      const from = last[0] ?? { position: '0', xid: '0', event_id: '0' };
      const stamped = await manager.query<unknown[]>(
        `INSERT INTO event_stream (position, event_id, xid)
         SELECT $1::bigint + row_number() OVER (ORDER BY f.xid, f.id), f.id, f.xid
           FROM (SELECT e.id, e.xid
                   FROM transaction_events e
                  WHERE (e.xid, e.id) > ($2::xid8, $3::bigint)
                    AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
                  ORDER BY e.xid, e.id
                  LIMIT $4) f
         RETURNING position`,
        [from.position, from.xid, from.event_id, limit],
      );
      return stamped.length;
    });
  }

  /** The highest position given so far: where a stream without Last-Event-ID starts. */
  async lastPosition(): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ position: string }>>(
      `SELECT coalesce(max(position), 0)::text AS position FROM event_stream`,
    );
    return row.position;
  }

  /** Events after `after` (and at most `upTo`), in position order, optionally filtered. */
  async eventsAfter(after: string, limit: number, upTo?: string, filter: StreamFilter = {}): Promise<StreamEventRow[]> {
    const params: unknown[] = [after, limit];
    const where = ['s.position > $1::bigint'];
    if (upTo !== undefined) where.push(`s.position <= $${params.push(upTo)}::bigint`);
    if (filter.transactionId !== undefined) where.push(`e.transaction_id = $${params.push(filter.transactionId)}`);
    if (filter.account !== undefined) {
      const n = params.push(filter.account);
      where.push(`(t.source_account = $${n} OR t.destination_account = $${n})`);
    }
    return this.dataSource.query<StreamEventRow[]>(`${SELECT_EVENTS} WHERE ${where.join(' AND ')} ORDER BY s.position LIMIT $2`, params);
  }
}
