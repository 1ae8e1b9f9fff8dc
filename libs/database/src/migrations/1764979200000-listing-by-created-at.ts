import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The listing is ordered by (created_at DESC, id DESC), the time users see, instead of by id:
 * one index per way of filtering, so every page stays an index range scan. The (account, id)
 * indexes served only the old order and are dropped, so each insert maintains two more
 * indexes than before, not four. (status, id) stays: the recovery sweep and bulk retry walk it.
 * Plain CREATE INDEX blocks writes while it builds (seconds per million rows), and migrations run
 * in a transaction, where CREATE INDEX CONCURRENTLY is not allowed. IF NOT EXISTS lets operators of
 * a large table build the indexes concurrently beforehand (docs/operations.md).
 */
export class ListingByCreatedAt1764979200000 implements MigrationInterface {
  name = 'ListingByCreatedAt1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS transactions_created_id_idx ON transactions (created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS transactions_status_created_id_idx ON transactions (status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS transactions_source_created_id_idx ON transactions (source_account, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS transactions_destination_created_id_idx ON transactions (destination_account, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`DROP INDEX IF EXISTS transactions_source_id_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS transactions_destination_id_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX transactions_source_id_idx ON transactions (source_account, id DESC)`);
    await queryRunner.query(`CREATE INDEX transactions_destination_id_idx ON transactions (destination_account, id DESC)`);
    await queryRunner.query(`DROP INDEX transactions_destination_created_id_idx`);
    await queryRunner.query(`DROP INDEX transactions_source_created_id_idx`);
    await queryRunner.query(`DROP INDEX transactions_status_created_id_idx`);
    await queryRunner.query(`DROP INDEX transactions_created_id_idx`);
  }
}
