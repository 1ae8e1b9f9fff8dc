import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Stand-in for the timeline's table (same shape) until its own migration is merged; removed then. */
export class TransactionEventsPlaceholder1765065600000 implements MigrationInterface {
  name = 'TransactionEventsPlaceholder1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE transaction_events (
        id             bigserial PRIMARY KEY,
        transaction_id varchar(128) NOT NULL REFERENCES transactions (transaction_id),
        type           varchar(20) NOT NULL CHECK (type IN ('received', 'attempt_failed', 'processed', 'failed', 'retried')),
        details        jsonb NOT NULL DEFAULT '{}',
        occurred_at    timestamptz NOT NULL DEFAULT now(),
        xid            xid8 NOT NULL DEFAULT pg_current_xact_id()
      )`);
    await queryRunner.query(`CREATE INDEX transaction_events_transaction_id_idx ON transaction_events (transaction_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE transaction_events`);
  }
}
