import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LedgerModule } from '@app/ledger';
import { TransactionsModule } from '@app/transactions';
import { WebhooksHttpModule } from '@app/webhooks';
import { CoreModule } from './core.module';
import { RootController } from './root.controller';

/** The business routes. Never imports a processor: the API enqueues, it does not consume. */
export const API_FEATURE_MODULES = [WebhooksHttpModule, TransactionsModule.forApi(), LedgerModule.forApi()];

@Module({})
export class ApiAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ApiAppModule, imports: [CoreModule.forRoot(config), ...API_FEATURE_MODULES], controllers: [RootController] };
  }
}
