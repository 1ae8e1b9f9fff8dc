import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerLegView } from './ledger-leg.view';
import { LedgerRepository, PostingRequest } from './ledger.repository';

export type Balances = Record<string, string>;

@Injectable()
export class LedgerService {
  constructor(private readonly repository: LedgerRepository) {}

  /** Debits the source and credits the destination; call inside the transaction that marks PROCESSED. */
  post(manager: EntityManager, posting: PostingRequest): Promise<void> {
    return this.repository.insertPostings(manager, posting);
  }

  /** A transaction's posted legs (debit first); null for an unknown transaction. */
  async legsOf(transactionId: string): Promise<LedgerLegView[] | null> {
    const rows = await this.repository.legsOf(transactionId);
    return rows && rows.map((row) => ({ ...row, posted_at: row.posted_at.toISOString() }));
  }

  /** Per-currency balances from posted transactions only, as exact decimal strings. */
  async balancesOf(accountId: string): Promise<Balances> {
    const rows = await this.repository.balancesOf(accountId);
    return Object.fromEntries(rows.map((row) => [row.currency, row.balance]));
  }
}
