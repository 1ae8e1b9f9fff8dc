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

/** Two legs per posting: the source debited (negative), the destination credited. */
const INSERT_POSTINGS_SQL = `INSERT INTO ledger_postings (transaction_id, account_id, side, amount, currency)
  SELECT p.ref, leg.account_id, leg.side, leg.amount, p.currency
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::numeric[], $5::text[]) WITH ORDINALITY
      AS p(ref, debit_account, credit_account, amount, currency, position)
   CROSS JOIN LATERAL (VALUES (p.debit_account, 'debit', -p.amount, 1), (p.credit_account, 'credit', p.amount, 2))
      AS leg(account_id, side, amount, leg_order)
   ORDER BY p.position, leg.leg_order`;

/** Numeric order of bigint ids held as strings. */
function compareRefs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Both legs of every posting in one statement, inside the caller's database transaction. The
   * unique (transaction_id, side) constraint makes a second posting of the same transaction fail
   * rather than double the money, whatever the code above it does.
   */
  async insertPostings(manager: EntityManager, postings: readonly PostingRequest[]): Promise<void> {
    if (postings.length === 0) return;
    const sorted = [...postings].sort((a, b) => compareRefs(a.transactionRef, b.transactionRef));
    await manager.query(INSERT_POSTINGS_SQL, [
      sorted.map((p) => p.transactionRef),
      sorted.map((p) => p.debitAccount),
      sorted.map((p) => p.creditAccount),
      sorted.map((p) => p.amount),
      sorted.map((p) => p.currency),
    ]);
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
