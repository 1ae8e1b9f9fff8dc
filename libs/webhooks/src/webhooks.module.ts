import { DynamicModule, InjectionToken, Module, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { TransactionsModule } from '@app/transactions';
import { MappedTransactionValidator } from './mapped-transaction.validator';
import { PaymentReferencesRepository } from './payment-references.repository';
import { ProviderIntakeService } from './provider-intake.service';
import { ProviderWebhooksController } from './provider-webhooks.controller';
import { PaystackProvider } from './providers/paystack/paystack.provider';
import { RazorpayProvider } from './providers/razorpay/razorpay.provider';
import { StripeProvider } from './providers/stripe/stripe.provider';
import { WEBHOOK_PROVIDERS, WebhookProvider } from './providers/webhook-provider';
import { AcceptUnsignedVerifier, StandardWebhooksVerifier, WEBHOOK_SIGNATURE_VERIFIER } from './signature';
import { TransactionWebhookParser } from './transaction-webhook.parser';
import { WebhookProviderRegistry } from './webhook-provider.registry';
import { WebhooksController } from './webhooks.controller';

/** A provider given as its class, or built by a factory from what it injects. */
export type WebhookProviderDefinition =
  | Type<WebhookProvider>
  | {
      // A factory's arguments are whatever `inject` names: Nest's own FactoryProvider types them as any[].
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      useFactory: (...args: any[]) => WebhookProvider | Promise<WebhookProvider>;
      inject?: Array<InjectionToken | OptionalFactoryDependency>;
    };

export interface WebhooksModuleOptions {
  /** A team's own providers, served beside the built-in stripe, razorpay and paystack. */
  providers?: WebhookProviderDefinition[];
  /** Modules whose exports those providers inject. */
  imports?: ModuleMetadata['imports'];
}

export const BUILT_IN_WEBHOOK_PROVIDERS: WebhookProviderDefinition[] = [StripeProvider, RazorpayProvider, PaystackProvider];

/**
 * Intake over HTTP, for the API role only: the native route and one route per payment provider.
 * The native verifier is a token a team may override (WEBHOOK_SIGNATURE_VERIFIER); providers are
 * collected under WEBHOOK_PROVIDERS, so adding one touches no controller, batcher or worker.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: WebhooksModuleOptions = {}): DynamicModule {
    const definitions = [...BUILT_IN_WEBHOOK_PROVIDERS, ...(options.providers ?? [])];
    const tokens = definitions.map((_, i) => Symbol(`WEBHOOK_PROVIDER_${i}`));
    const providerEntries: Provider[] = definitions.map((definition, i) =>
      typeof definition === 'function'
        ? { provide: tokens[i], useClass: definition }
        : { provide: tokens[i], useFactory: definition.useFactory, inject: definition.inject ?? [] },
    );
    return {
      module: WebhooksModule,
      imports: [TransactionsModule, ...(options.imports ?? [])],
      // Order matters: the literal `transactions` route must be registered before `:provider`.
      controllers: [WebhooksController, ProviderWebhooksController],
      providers: [
        TransactionWebhookParser,
        MappedTransactionValidator,
        PaymentReferencesRepository,
        ProviderIntakeService,
        WebhookProviderRegistry,
        ...providerEntries,
        { provide: WEBHOOK_PROVIDERS, useFactory: (...providers: WebhookProvider[]) => providers, inject: tokens },
        {
          provide: WEBHOOK_SIGNATURE_VERIFIER,
          inject: [AppConfig],
          useFactory: (config: AppConfig) =>
            config.webhookSecrets.length > 0 ? new StandardWebhooksVerifier(config.webhookSecrets) : new AcceptUnsignedVerifier(),
        },
      ],
      exports: [WebhookProviderRegistry],
    };
  }
}
