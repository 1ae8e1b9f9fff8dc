import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Status changes write their timeline events, and the headline numbers are kept as counters, in
 * the same database transaction as the change, by statement-level triggers: whatever statement
 * shape changes `transactions` (one row, or a batch), one INSERT … SELECT over its transition
 * tables records it. docs/decisions/2026-12-timeline-events.md and docs/stats.md say why.
 *
 * Counters are written under the writer's own slot (its backend pid), so concurrent writers never
 * update the same row; paycheck_compact_stats() folds the slots into slot 0 and drops buckets older
 * than a day, skipping rows a writer holds.
 */
export class TimelineTriggersAndStats1796173200000 implements MigrationInterface {
  name = 'TimelineTriggersAndStats1796173200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The exact window edges read the events of less than one second from here.
    await queryRunner.query(`CREATE INDEX transaction_events_occurred_at_idx ON transaction_events (occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE stats_status_counts (
        slot   integer NOT NULL,
        status varchar(16) NOT NULL,
        n      bigint NOT NULL,
        PRIMARY KEY (slot, status)
      )`);
    // Rows per second ('s'), minute ('m') and hour ('h'): a window is read as whole hours, then the
    // minutes and seconds at its oldest edge (docs/stats.md), a few hundred rows in all.
    await queryRunner.query(`
      CREATE TABLE stats_buckets (
        granularity      char(1) NOT NULL,
        starts_at        timestamptz NOT NULL,
        slot             integer NOT NULL,
        currency         char(3) NOT NULL,
        received         bigint NOT NULL,
        processed        bigint NOT NULL,
        failed           bigint NOT NULL,
        processed_volume numeric NOT NULL,
        PRIMARY KEY (granularity, starts_at, slot, currency),
        CONSTRAINT stats_buckets_granularity_known CHECK (granularity IN ('s', 'm', 'h'))
      )`);

    await queryRunner.query(BACKFILL_SQL);
    await queryRunner.query(BUCKET_FUNCTION_SQL);
    await queryRunner.query(`
      INSERT INTO stats_status_counts (slot, status, n) SELECT 0, status, count(*) FROM transactions GROUP BY status`);
    await queryRunner.query(
      `INSERT INTO stats_buckets SELECT * FROM paycheck_bucket_rows_of_events(0, now() - interval '1 day 5 minutes')`,
    );

    await queryRunner.query(INSERTED_TRIGGER_SQL);
    await queryRunner.query(UPDATED_TRIGGER_SQL);
    await queryRunner.query(EVENTS_TRIGGER_SQL);
    await queryRunner.query(COMPACT_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER transaction_events_counted ON transaction_events`);
    await queryRunner.query(`DROP TRIGGER transactions_updated_events ON transactions`);
    await queryRunner.query(`DROP TRIGGER transactions_inserted_counted ON transactions`);
    await queryRunner.query(`DROP FUNCTION paycheck_compact_stats()`);
    await queryRunner.query(`DROP FUNCTION paycheck_events_counted()`);
    await queryRunner.query(`DROP FUNCTION paycheck_transactions_updated()`);
    await queryRunner.query(`DROP FUNCTION paycheck_transactions_inserted()`);
    await queryRunner.query(`DROP FUNCTION paycheck_bucket_rows_of_events(integer, timestamptz)`);
    await queryRunner.query(`DROP TABLE stats_buckets`);
    await queryRunner.query(`DROP TABLE stats_status_counts`);
    await queryRunner.query(`DROP INDEX transaction_events_occurred_at_idx`);
  }
}

/**
 * Rows written before timelines existed get synthetic events from their timestamps, marked
 * "backfilled", so every transaction has a timeline and the windows count them. Runs before the
 * triggers exist; the counters are then initialised from the same rows.
 */
const BACKFILL_SQL = `
  INSERT INTO transaction_events (transaction_id, type, details, occurred_at)
  SELECT transaction_id, type, details, occurred_at FROM (
    SELECT transaction_id, 'received' AS type, '{"redelivery":false,"backfilled":true}'::jsonb AS details, created_at AS occurred_at, id, 0 AS step
      FROM transactions
    UNION ALL
    SELECT transaction_id, 'processed', jsonb_build_object('attempt', attempts, 'late', false, 'backfilled', true), processed_at, id, 1
      FROM transactions WHERE status = 'PROCESSED'
    UNION ALL
    SELECT transaction_id, 'failed', jsonb_build_object('attempt', attempts, 'error', last_error, 'backfilled', true), updated_at, id, 1
      FROM transactions WHERE status = 'FAILED'
  ) backfill
  -- A transaction that already has events (written by a build that ran the table's migration alone) keeps its own.
  WHERE NOT EXISTS (SELECT FROM transaction_events e WHERE e.transaction_id = backfill.transaction_id)
  ORDER BY occurred_at, id, step`;

/**
 * The bucket rows (second, minute and hour) that a set of events adds, for one slot: what counts is a
 * first receipt, a processing (with its amount) and a final failure. Used by the trigger below
 * (over its transition table) and by the migration (over all events of the last day).
 */
const BUCKET_ROWS_SQL = `
  SELECT g.granularity, date_trunc(CASE g.granularity WHEN 's' THEN 'second' WHEN 'm' THEN 'minute' ELSE 'hour' END, e.occurred_at, 'UTC'),
         $1, t.currency,
         count(*) FILTER (WHERE e.type = 'received'),
         count(*) FILTER (WHERE e.type = 'processed'),
         count(*) FILTER (WHERE e.type = 'failed'),
         coalesce(sum(t.amount) FILTER (WHERE e.type = 'processed'), 0)
    FROM counted_events e
    JOIN transactions t ON t.transaction_id = e.transaction_id
   CROSS JOIN (VALUES ('s'), ('m'), ('h')) AS g(granularity)
   WHERE e.type IN ('processed', 'failed') OR (e.type = 'received' AND NOT coalesce((e.details ->> 'redelivery')::boolean, false))
   GROUP BY 1, 2, 4`;

const BUCKET_FUNCTION_SQL = `
  CREATE FUNCTION paycheck_bucket_rows_of_events(integer, timestamptz)
    RETURNS SETOF stats_buckets LANGUAGE sql STABLE AS $$
    WITH counted_events AS (SELECT * FROM transaction_events WHERE occurred_at >= $2)
    ${BUCKET_ROWS_SQL}
  $$;`;

const INSERTED_TRIGGER_SQL = `
  CREATE FUNCTION paycheck_transactions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO stats_status_counts (slot, status, n)
    SELECT pg_backend_pid(), status, count(*) FROM inserted_rows GROUP BY status
    ON CONFLICT (slot, status) DO UPDATE SET n = stats_status_counts.n + excluded.n;
    RETURN NULL;
  END $$;

  CREATE TRIGGER transactions_inserted_counted AFTER INSERT ON transactions
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION paycheck_transactions_inserted();`;

/**
 * One statement per UPDATE of transactions, whatever its shape: the events of the rows whose
 * status or attempts changed, and the status count deltas. A retry statement names its mode with
 * set_config('paycheck.retry_mode', 'single'|'bulk', true); unset means single.
 */
const UPDATED_TRIGGER_SQL = `
  CREATE FUNCTION paycheck_transactions_updated() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    WITH changed AS (
      SELECT n.id, n.transaction_id, o.status AS before, n.status AS after, n.attempts, n.last_error,
             CASE
               WHEN n.status = 'PROCESSED' AND o.status <> 'PROCESSED' THEN 'processed'
               WHEN n.status = 'FAILED' AND o.status = 'PROCESSING' THEN 'failed'
               WHEN n.status = 'PROCESSING' AND o.status = 'FAILED' THEN 'retried'
               WHEN n.status = 'PROCESSING' AND o.status = 'PROCESSING' AND n.attempts > o.attempts THEN 'attempt_failed'
             END AS type
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.status <> n.status OR o.attempts <> n.attempts
    ), events AS (
      INSERT INTO transaction_events (transaction_id, type, details)
      SELECT transaction_id, type,
             CASE type
               WHEN 'processed' THEN jsonb_build_object('attempt', attempts, 'late', before = 'FAILED')
               WHEN 'retried' THEN jsonb_build_object('mode', coalesce(nullif(current_setting('paycheck.retry_mode', true), ''), 'single'))
               ELSE jsonb_build_object('attempt', attempts, 'error', last_error)
             END
        FROM changed WHERE type IS NOT NULL ORDER BY id
    )
    INSERT INTO stats_status_counts (slot, status, n)
    SELECT pg_backend_pid(), status, sum(delta) FROM (
      SELECT before AS status, -1 AS delta FROM changed WHERE before <> after
      UNION ALL
      SELECT after, 1 FROM changed WHERE before <> after
    ) deltas GROUP BY status
    ON CONFLICT (slot, status) DO UPDATE SET n = stats_status_counts.n + excluded.n;
    RETURN NULL;
  END $$;

  CREATE TRIGGER transactions_updated_events AFTER UPDATE ON transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paycheck_transactions_updated();`;

const EVENTS_TRIGGER_SQL = `
  CREATE FUNCTION paycheck_events_counted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    WITH counted_events AS (SELECT * FROM new_events), bucket_rows AS (${BUCKET_ROWS_SQL.replace('$1', 'pg_backend_pid()')})
    INSERT INTO stats_buckets SELECT * FROM bucket_rows
    ON CONFLICT (granularity, starts_at, slot, currency) DO UPDATE SET
      received = stats_buckets.received + excluded.received,
      processed = stats_buckets.processed + excluded.processed,
      failed = stats_buckets.failed + excluded.failed,
      processed_volume = stats_buckets.processed_volume + excluded.processed_volume;
    RETURN NULL;
  END $$;

  CREATE TRIGGER transaction_events_counted AFTER INSERT ON transaction_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION paycheck_events_counted();`;

/**
 * Folds every writer slot into slot 0 and forgets buckets no window reaches. Rows a writer holds
 * are skipped (SKIP LOCKED), so compaction never waits on a writer, and a writer waits at most for
 * one compaction's commit. Returns false when another compaction is running.
 */
const COMPACT_SQL = `
  CREATE FUNCTION paycheck_compact_stats() RETURNS boolean LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT pg_try_advisory_xact_lock(7315220043) THEN RETURN false; END IF;
    WITH moved AS (
      DELETE FROM stats_status_counts WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM stats_status_counts WHERE slot <> 0 FOR UPDATE SKIP LOCKED))
      RETURNING status, n
    )
    INSERT INTO stats_status_counts (slot, status, n) SELECT 0, status, sum(n) FROM moved GROUP BY status
    ON CONFLICT (slot, status) DO UPDATE SET n = stats_status_counts.n + excluded.n;

    DELETE FROM stats_buckets WHERE starts_at < now() - interval '1 day 5 minutes';
    WITH moved AS (
      DELETE FROM stats_buckets WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM stats_buckets WHERE slot <> 0 FOR UPDATE SKIP LOCKED))
      RETURNING *
    )
    INSERT INTO stats_buckets
    SELECT granularity, starts_at, 0, currency, sum(received), sum(processed), sum(failed), sum(processed_volume)
      FROM moved GROUP BY granularity, starts_at, currency
    ON CONFLICT (granularity, starts_at, slot, currency) DO UPDATE SET
      received = stats_buckets.received + excluded.received,
      processed = stats_buckets.processed + excluded.processed,
      failed = stats_buckets.failed + excluded.failed,
      processed_volume = stats_buckets.processed_volume + excluded.processed_volume;
    RETURN true;
  END $$;`;
