export { Transaction, TRANSACTION_STATUSES, TransactionStatus } from './transaction.entity';
export { TransactionView, toTransactionView } from './transaction.view';
export { TransactionsHttpModule, TransactionsModule } from './transactions.module';
export { NewTransaction, TransactionsRepository } from './transactions.repository';
export { ReceiveOutcome, RetryOutcome, TransactionsService } from './transactions.service';
