import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inTransaction } from '@app/database';

export interface StatsRow {
  /** 'status' (key = a status, its count in received), a window name (key = a currency), or 'as_of' (key = the instant). */
  kind: 'status' | 'last_hour' | 'last_day' | 'as_of';
  key: string;
  received: string;
  processed: string;
  failed: string;
  processed_volume: string;
}

/** How long one compaction may hold its locks; writers that meet one of its rows wait at most this. */
export const STATS_COMPACTION_BUDGET_MS = 2000;

/**
 * The headline numbers in one statement (one snapshot), from small tables only. The instant is
 * now() to the millisecond, the precision of `as_of`, so the answer can be checked against it. A
 * window (since, as_of] is summed as four disjoint parts: whole hours from `h1` on, whole minutes
 * in [m1, h1), whole seconds in [s1, m1) (buckets), and the events in (since, s1), less than one
 * second of them, by an index range on transaction_events.occurred_at. Plan: docs/stats.md.
 */
const STATS_SQL = `
  WITH clock AS (SELECT date_trunc('milliseconds', now()) AS as_of
  ), windows AS (
    SELECT w.kind, c.as_of - w.span AS since,
           date_trunc('second', c.as_of - w.span, 'UTC') + interval '1 second' AS s1,
           date_trunc('minute', c.as_of - w.span, 'UTC') + interval '1 minute' AS m1,
           date_trunc('hour', c.as_of - w.span, 'UTC') + interval '1 hour' AS h1
      FROM clock c, (VALUES ('last_hour', interval '1 hour'), ('last_day', interval '1 day')) AS w(kind, span)
  ), parts AS (
    SELECT w.kind, b.currency, b.received, b.processed, b.failed, b.processed_volume
      FROM windows w JOIN stats_buckets b ON b.granularity = 'h' AND b.starts_at >= w.h1
    UNION ALL
    SELECT w.kind, b.currency, b.received, b.processed, b.failed, b.processed_volume
      FROM windows w JOIN stats_buckets b ON b.granularity = 'm' AND b.starts_at >= w.m1 AND b.starts_at < w.h1
    UNION ALL
    SELECT w.kind, b.currency, b.received, b.processed, b.failed, b.processed_volume
      FROM windows w JOIN stats_buckets b ON b.granularity = 's' AND b.starts_at >= w.s1 AND b.starts_at < w.m1
    UNION ALL
    SELECT w.kind, t.currency,
           (e.type = 'received' AND NOT coalesce((e.details ->> 'redelivery')::boolean, false))::int,
           (e.type = 'processed')::int, (e.type = 'failed')::int,
           CASE WHEN e.type = 'processed' THEN t.amount ELSE 0 END
      FROM windows w
      JOIN transaction_events e ON e.occurred_at > w.since AND e.occurred_at < w.s1
      -- LIMIT 1 keeps this a lookup per event: joined plainly, the planner (blind to how few events
      -- the range holds) may hash the whole transactions table.
     CROSS JOIN LATERAL (SELECT currency, amount FROM transactions t WHERE t.transaction_id = e.transaction_id LIMIT 1) t
  )
  SELECT kind, currency AS key, sum(received)::text AS received, sum(processed)::text AS processed, sum(failed)::text AS failed,
         sum(processed_volume)::text AS processed_volume
    FROM parts GROUP BY kind, currency
  UNION ALL
  SELECT 'status', status, sum(n)::text, '0', '0', '0' FROM stats_status_counts GROUP BY status
  UNION ALL
  SELECT 'as_of', to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '0', '0', '0', '0' FROM clock`;

/** stats_status_counts and stats_buckets, kept by triggers (migration TimelineTriggersAndStats). */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  read(): Promise<StatsRow[]> {
    return this.dataSource.query(STATS_SQL);
  }

  /** Folds writer slots into one row and drops buckets no window reaches; false when another compaction runs. */
  compact(): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)`, [
        String(STATS_COMPACTION_BUDGET_MS),
      ]);
      const [row]: Array<{ compacted: boolean }> = await manager.query(`SELECT paycheck_compact_stats() AS compacted`);
      return row.compacted;
    });
  }
}
