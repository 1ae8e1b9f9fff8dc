import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface PostingRequest {
  /** transactions.id of the posted transaction. */
  transactionRef: string;
  debitAccount: string;
  creditAccount: string;
  amount: string;
  currency: string;
}

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Both legs in one statement, inside the caller's database transaction. The unique
   * (transaction_id, side) constraint makes a second posting of the same transaction fail
   * rather than double the money, whatever the code above it does.
   */
  async insertPostings(manager: EntityManager, posting: PostingRequest): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_postings (transaction_id, account_id, side, amount, currency)
       VALUES ($1, $2, 'debit', -($4::numeric), $5), ($1, $3, 'credit', $4::numeric, $5)`,
      [posting.transactionRef, posting.debitAccount, posting.creditAccount, posting.amount, posting.currency],
    );
  }

  /** Sums in PostgreSQL numeric: exact, and the scale of the stored amounts is kept. */
  async balancesOf(accountId: string): Promise<Array<{ currency: string; balance: string }>> {
    return this.dataSource.query(
      `SELECT currency, sum(amount)::text AS balance
         FROM ledger_postings
        WHERE account_id = $1
        GROUP BY currency
        ORDER BY currency`,
      [accountId],
    );
  }
}
