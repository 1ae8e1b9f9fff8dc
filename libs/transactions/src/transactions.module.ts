import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '@app/queue';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';
import { TransactionEvent } from './transaction-event.entity';
import { Transaction } from './transaction.entity';
import { TransactionEventsRepository } from './transaction-events.repository';
import { TransactionIntakeBatcher } from './transaction-intake.batcher';
import { TransactionsController } from './transactions.controller';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

/**
 * The transaction entity and its rules, importable by either role. `forApi()` adds the HTTP routes
 * (transactions, timelines, stats) and the stats counter compaction, which only API roles load.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Transaction, TransactionEvent]), QueueModule],
  providers: [TransactionsRepository, TransactionsService, TransactionIntakeBatcher, TransactionEventsRepository],
  exports: [TransactionsService, TransactionsRepository],
})
export class TransactionsModule {
  static forApi(): DynamicModule {
    return {
      module: TransactionsRoutesModule,
      imports: [TransactionsModule],
      controllers: [TransactionsController, StatsController],
      // The counter compaction runs where the stats are read: every deployment has an API role.
      providers: [StatsRepository, StatsService],
      exports: [StatsService],
    };
  }
}

/**
 * The host of the routes `forApi()` adds. Its own class, so that the routes share the one
 * TransactionsModule instance every other importer gets, instead of a second copy of its providers.
 */
@Module({})
class TransactionsRoutesModule {}
