import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '@app/queue';
import { Transaction } from './transaction.entity';
import { TransactionIntakeBatcher } from './transaction-intake.batcher';
import { TransactionsController } from './transactions.controller';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';

/** The transaction entity and its rules, importable by either role. */
@Module({
  imports: [TypeOrmModule.forFeature([Transaction]), QueueModule],
  providers: [TransactionsRepository, TransactionsService, TransactionIntakeBatcher],
  exports: [TransactionsService, TransactionsRepository],
})
export class TransactionsModule {}

/** The HTTP routes over transactions; imported by the API root only. */
@Module({
  imports: [TransactionsModule],
  controllers: [TransactionsController],
})
export class TransactionsHttpModule {}
