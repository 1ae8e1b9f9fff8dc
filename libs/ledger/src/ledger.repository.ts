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

export interface LegRow {
  account_id: string;
  direction: 'debit' | 'credit';
  amount: string;
  currency: string;
  posted_at: Date;
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

  /**
   * The legs of one transaction (by its sender's id), debit first; null when the transaction is
   * unknown, [] while it is not posted. One statement, so both answers come from one snapshot.
   */
  async legsOf(transactionId: string): Promise<LegRow[] | null> {
    const rows: Array<LegRow | { account_id: null }> = await this.dataSource.query(
      `SELECT p.account_id, p.side AS direction, abs(p.amount)::text AS amount, p.currency, p.created_at AS posted_at
         FROM transactions t
         LEFT JOIN ledger_postings p ON p.transaction_id = t.id
        WHERE t.transaction_id = $1
        ORDER BY p.amount`,
      [transactionId],
    );
    if (rows.length === 0) return null;
    return rows.filter((row): row is LegRow => row.account_id !== null);
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
