import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The live stream's order: each timeline event gets a stream position once its writer has
 * finished, in (xid, id) order, so positions follow commit order where ids do not
 * (docs/decisions/2026-12-event-stream-order.md). A row per event rather than a column on
 * transaction_events: an insert here instead of an update there (no dead tuple in the timeline,
 * no index on a column that changes). The (xid, id) index lets the stamper find what is new.
 */
export class EventStream1796180400000 implements MigrationInterface {
  name = 'EventStream1796180400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS transaction_events_xid_id_idx ON transaction_events (xid, id)`);
    await queryRunner.query(`
      CREATE TABLE event_stream (
        position bigint PRIMARY KEY,
        event_id bigint NOT NULL REFERENCES transaction_events (id),
        xid      xid8 NOT NULL,
        CONSTRAINT event_stream_event_once UNIQUE (event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_stream`);
    await queryRunner.query(`DROP INDEX IF EXISTS transaction_events_xid_id_idx`);
  }
}
