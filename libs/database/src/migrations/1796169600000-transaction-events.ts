import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The append-only timeline of each transaction: one row per thing that happened to it, written in
 * the same database transaction as the change it records. `xid` is the writing transaction's id,
 * which lets a reader order and resume by commit rather than by id (ids are handed out before
 * commit, so a smaller id can become visible after a larger one).
 */
export class TransactionEvents1796169600000 implements MigrationInterface {
  name = 'TransactionEvents1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE transaction_events (
        id             bigserial PRIMARY KEY,
        transaction_id varchar(128) NOT NULL REFERENCES transactions (transaction_id),
        type           varchar(20) NOT NULL,
        details        jsonb NOT NULL DEFAULT '{}',
        occurred_at    timestamptz NOT NULL DEFAULT now(),
        xid            xid8 NOT NULL DEFAULT pg_current_xact_id(),
        CONSTRAINT transaction_events_type_known CHECK (type IN ('received', 'attempt_failed', 'processed', 'failed', 'retried'))
      )`);
    // A timeline is read oldest first by transaction: an index range scan.
    await queryRunner.query(`CREATE INDEX transaction_events_transaction_id_idx ON transaction_events (transaction_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE transaction_events`);
  }
}
