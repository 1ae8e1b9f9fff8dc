import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsController } from './accounts.controller';
import { LedgerPosting } from './ledger-posting.entity';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { TransactionLedgerController } from './transaction-ledger.controller';

/** Postings and balances, importable by either role; `forApi()` adds the balance and ledger-legs routes. */
@Module({
  imports: [TypeOrmModule.forFeature([LedgerPosting])],
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerService],
})
export class LedgerModule {
  static forApi(): DynamicModule {
    return { module: LedgerRoutesModule, imports: [LedgerModule], controllers: [AccountsController, TransactionLedgerController] };
  }
}

/**
 * The host of the routes `forApi()` adds. Its own class, so that the routes share the one
 * LedgerModule instance every other importer gets, instead of a second copy of its providers.
 */
@Module({})
class LedgerRoutesModule {}
