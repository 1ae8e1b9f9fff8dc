import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** provider_payment_references: other names of recorded payments, for refunds that use them. */
@Injectable()
export class PaymentReferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Idempotent: a redelivery of the payment writes nothing new; the first name given wins. */
  async remember(provider: string, reference: string, transactionId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO provider_payment_references (provider, reference, transaction_id) VALUES ($1, $2, $3)
       ON CONFLICT (provider, reference) DO NOTHING`,
      [provider, reference, transactionId],
    );
  }

  async transactionIdFor(provider: string, reference: string): Promise<string | undefined> {
    const rows: Array<{ transaction_id: string }> = await this.dataSource.query(
      `SELECT transaction_id FROM provider_payment_references WHERE provider = $1 AND reference = $2`,
      [provider, reference],
    );
    return rows[0]?.transaction_id;
  }
}
