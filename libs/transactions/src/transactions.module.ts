import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '@app/queue';
import { TransactionEvent } from './transaction-event.entity';
import { Transaction } from './transaction.entity';
import { TransactionIntakeBatcher } from './transaction-intake.batcher';
import { TransactionsController } from './transactions.controller';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

/**
 * The transaction entity and its rules, importable by either role. `forApi()` adds the HTTP routes,
 * which only API roles load.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Transaction, TransactionEvent]), QueueModule],
  providers: [TransactionsRepository, TransactionsService, TransactionIntakeBatcher],
  exports: [TransactionsService, TransactionsRepository],
})
export class TransactionsModule {
  static forApi(): DynamicModule {
    return { module: TransactionsRoutesModule, imports: [TransactionsModule], controllers: [TransactionsController] };
  }
}

/**
 * The host of the routes `forApi()` adds. Its own class, so that the routes share the one
 * TransactionsModule instance every other importer gets, instead of a second copy of its providers.
 */
@Module({})
class TransactionsRoutesModule {}
