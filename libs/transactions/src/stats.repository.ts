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
 * The instant (now() to the millisecond, the precision of `as_of`, so the answer can be checked
 * against it) and each window's edges. A window (since, as_of] is summed as four disjoint parts:
 * whole hours from `h1` on, whole minutes in [m1, h1), whole seconds in [s1, m1) (buckets), and
 * the events in (since, s1), less than one second of them, by an index range on
 * transaction_events.occurred_at. Plan: docs/stats.md.
 */
const CLOCK_SQL = `
  WITH clock AS (SELECT date_trunc('milliseconds', now()) AS as_of)
  SELECT w.kind, c.as_of - w.span AS since,
         date_trunc('second', c.as_of - w.span, 'UTC') + interval '1 second' AS s1,
         date_trunc('minute', c.as_of - w.span, 'UTC') + interval '1 minute' AS m1,
         date_trunc('hour', c.as_of - w.span, 'UTC') + interval '1 hour' AS h1,
         to_char(c.as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS as_of
    FROM clock c, (VALUES ('last_hour', interval '1 hour'), ('last_day', interval '1 day')) AS w(kind, span)`;

interface WindowEdges {
  kind: 'last_hour' | 'last_day';
  since: Date;
  s1: Date;
  m1: Date;
  h1: Date;
  as_of: string;
}

/**
 * One window's four parts, its edges bound as parameters $p (since), $p+1 (s1), $p+2 (m1) and
 * $p+3 (h1). Bound values, not columns of a joined row: the planner then sees how narrow each range
 * is. Joined from a CTE, it guessed a third of the events table, costed the read in millions and
 * had PostgreSQL's JIT compile it, about 500 ms on every request.
 */
function windowPartsSql(kind: WindowEdges['kind'], p: number): string {
  const [since, s1, m1, h1] = [p, p + 1, p + 2, p + 3].map((n) => `$${n}::timestamptz`);
  const buckets = `SELECT '${kind}' AS kind, b.currency, b.received, b.processed, b.failed, b.processed_volume FROM stats_buckets b`;
  return `
    ${buckets} WHERE b.granularity = 'h' AND b.starts_at >= ${h1}
    UNION ALL
    ${buckets} WHERE b.granularity = 'm' AND b.starts_at >= ${m1} AND b.starts_at < ${h1}
    UNION ALL
    ${buckets} WHERE b.granularity = 's' AND b.starts_at >= ${s1} AND b.starts_at < ${m1}
    UNION ALL
    SELECT '${kind}', t.currency,
           (e.type = 'received' AND NOT coalesce((e.details ->> 'redelivery')::boolean, false))::int,
           (e.type = 'processed')::int, (e.type = 'failed')::int,
           CASE WHEN e.type = 'processed' THEN t.amount ELSE 0 END
      FROM transaction_events e
      -- LIMIT 1 keeps this a lookup per event: joined plainly, the planner may hash the whole transactions table.
     CROSS JOIN LATERAL (SELECT currency, amount FROM transactions t WHERE t.transaction_id = e.transaction_id LIMIT 1) t
     WHERE e.occurred_at > ${since} AND e.occurred_at < ${s1}`;
}

/** The headline numbers from small tables only: the windows' parts, the status counts, and the instant. */
const STATS_SQL = `
  WITH parts AS (${windowPartsSql('last_hour', 1)}
    UNION ALL ${windowPartsSql('last_day', 5)}
  )
  SELECT kind, currency AS key, sum(received)::text AS received, sum(processed)::text AS processed, sum(failed)::text AS failed,
         sum(processed_volume)::text AS processed_volume
    FROM parts GROUP BY kind, currency
  UNION ALL
  SELECT 'status', status, sum(n)::text, '0', '0', '0' FROM stats_status_counts GROUP BY status
  UNION ALL
  SELECT 'as_of', $9::text, '0', '0', '0', '0'`;

/** stats_status_counts and stats_buckets, kept by triggers (migration TimelineTriggersAndStats). */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Two statements: the clock and the windows' edges, then the sums with those edges bound. The
   * sums' snapshot is the later one, so an event committed in between with an earlier occurred_at
   * is counted, as a count made at `as_of` would count it.
   */
  async read(): Promise<StatsRow[]> {
    const windows: WindowEdges[] = await this.dataSource.query(CLOCK_SQL);
    const edges = (kind: WindowEdges['kind']) => {
      const w = windows.find((row) => row.kind === kind);
      if (!w) throw new Error(`stats window ${kind} missing`);
      return [w.since, w.s1, w.m1, w.h1];
    };
    return this.dataSource.query(STATS_SQL, [...edges('last_hour'), ...edges('last_day'), windows[0].as_of]);
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
