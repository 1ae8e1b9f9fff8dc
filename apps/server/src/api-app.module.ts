import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { EventStreamModule, EventStreamSettings } from '@app/event-stream';
import { LedgerModule } from '@app/ledger';
import { TransactionsModule } from '@app/transactions';
import { WebhooksModule, WebhooksModuleOptions } from '@app/webhooks';
import { CoreModule } from './core.module';
import { RootController } from './root.controller';

/** The business routes. Never imports a processor: the API enqueues, it does not consume. */
export function apiFeatureModules(webhooks?: WebhooksModuleOptions, eventStream?: Partial<EventStreamSettings>): DynamicModule['imports'] {
  return [WebhooksModule.forRoot(webhooks), TransactionsModule.forApi(), LedgerModule.forApi(), EventStreamModule.forApi(eventStream)];
}

@Module({})
export class ApiAppModule {
  static forRoot(config: AppConfig, webhooks?: WebhooksModuleOptions, eventStream?: Partial<EventStreamSettings>): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [CoreModule.forRoot(config), ...(apiFeatureModules(webhooks, eventStream) ?? [])],
      controllers: [RootController],
    };
  }
}
