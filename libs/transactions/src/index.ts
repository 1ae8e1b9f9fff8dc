export { BulkRetryResultView } from './bulk-retry-result.view';
export { BulkRetryDto } from './bulk-retry.dto';
export { DEFAULT_PAGE_SIZE, ListTransactionsQueryDto, MAX_PAGE_SIZE } from './list-transactions-query.dto';
export { ListPosition, decodeCursor, encodeCursor } from './transaction-cursor';
export { TransactionListFilter, listTransactionsSql } from './transaction-listing.sql';
export { IntakeOrigin } from './transaction-intake.batcher';
export { StoredEvent, TransactionEventListView, TransactionEventView, statusAfter, toEventViews } from './transaction-event.view';
export { STATS_COMPACTION_INTERVAL_MS, StatsService, toStatsView } from './stats.service';
export { StatsView, StatsWindowView } from './stats.view';
export { TransactionPageView } from './transaction-page.view';
export { TRANSACTION_EVENT_TYPES, TransactionEvent, TransactionEventType } from './transaction-event.entity';
export { Transaction, TRANSACTION_STATUSES, TransactionStatus } from './transaction.entity';
export { TransactionView, toTransactionView } from './transaction.view';
export { TransactionsModule } from './transactions.module';
export { NewTransaction, TransactionsRepository } from './transactions.repository';
export {
  BULK_RETRY_BATCH,
  ReceiveOutcome,
  RetryOutcome,
  TransactionListRequest,
  TransactionPage,
  TransactionsService,
} from './transactions.service';
