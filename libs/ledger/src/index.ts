export { BalanceView } from './balance.view';
export { LedgerPosting, PostingSide } from './ledger-posting.entity';
export { LedgerLegListView, LedgerLegView } from './ledger-leg.view';
export { LedgerModule } from './ledger.module';
export { PostingRequest } from './ledger.repository';
export { Balances, LedgerService } from './ledger.service';
