import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Transactions and their ledger postings. The invariants live in the database so that no code
 * path, replica or race can break them: one row per transaction_id, at most one posting per
 * transaction and side, postings that balance, and PROCESSED exactly when processed_at is set.
 */
export class InitialSchema1764115200000 implements MigrationInterface {
  name = 'InitialSchema1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE transactions (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id      varchar(128) NOT NULL,
        source_account      varchar(128) NOT NULL,
        destination_account varchar(128) NOT NULL,
        amount              numeric NOT NULL,
        currency            char(3) NOT NULL,
        status              varchar(16) NOT NULL DEFAULT 'PROCESSING',
        attempts            integer NOT NULL DEFAULT 0,
        last_error          text,
        enqueue_generation  integer NOT NULL DEFAULT 0,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        processed_at        timestamptz,
        CONSTRAINT transactions_transaction_id_key UNIQUE (transaction_id),
        CONSTRAINT transactions_amount_positive CHECK (amount > 0),
        CONSTRAINT transactions_accounts_differ CHECK (source_account <> destination_account),
        CONSTRAINT transactions_status_known CHECK (status IN ('PROCESSING', 'PROCESSED', 'FAILED')),
        CONSTRAINT transactions_processed_at_iff_processed CHECK ((status = 'PROCESSED') = (processed_at IS NOT NULL))
      )`);
    // Listing is keyset-paginated newest first; the recovery sweep scans PROCESSING rows.
    await queryRunner.query(`CREATE INDEX transactions_status_id_idx ON transactions (status, id DESC)`);
    await queryRunner.query(`CREATE INDEX transactions_source_id_idx ON transactions (source_account, id DESC)`);
    await queryRunner.query(`CREATE INDEX transactions_destination_id_idx ON transactions (destination_account, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE ledger_postings (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id bigint NOT NULL REFERENCES transactions (id),
        account_id     varchar(128) NOT NULL,
        side           varchar(6) NOT NULL,
        amount         numeric NOT NULL,
        currency       char(3) NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_postings_one_per_side UNIQUE (transaction_id, side),
        CONSTRAINT ledger_postings_signed_by_side CHECK (
          (side = 'debit' AND amount < 0) OR (side = 'credit' AND amount > 0))
      )`);
    // Balances are sums over an account's postings: an index-only scan, no hot balance row.
    await queryRunner.query(`CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id, currency) INCLUDE (amount)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ledger_postings`);
    await queryRunner.query(`DROP TABLE transactions`);
  }
}
