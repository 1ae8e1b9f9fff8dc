import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Names under which a provider's later events refer to a recorded payment, when that is not the
 * payment's own id: Paystack refunds name the payment by its `reference`, while the payment is
 * recorded as `paystack:<id>`. Written by provider intake (libs/webhooks) after the payment.
 */
export class ProviderPaymentReferences1764633600000 implements MigrationInterface {
  name = 'ProviderPaymentReferences1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE provider_payment_references (
        provider       varchar(32) NOT NULL,
        reference      varchar(256) NOT NULL,
        transaction_id varchar(128) NOT NULL REFERENCES transactions (transaction_id),
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, reference)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE provider_payment_references`);
  }
}
