import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { TransactionsModule } from '@app/transactions';
import { AcceptUnsignedVerifier, StandardWebhooksVerifier, WEBHOOK_SIGNATURE_VERIFIER } from './signature';
import { TransactionWebhookParser } from './transaction-webhook.parser';
import { WebhooksController } from './webhooks.controller';

/**
 * Intake. The verifier is a provider so a team can swap in a provider's own scheme (e.g. a hex
 * HMAC of the body) by overriding WEBHOOK_SIGNATURE_VERIFIER, without touching the controller.
 */
@Module({
  imports: [TransactionsModule],
  controllers: [WebhooksController],
  providers: [
    TransactionWebhookParser,
    {
      provide: WEBHOOK_SIGNATURE_VERIFIER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.webhookSecrets.length > 0 ? new StandardWebhooksVerifier(config.webhookSecrets) : new AcceptUnsignedVerifier(),
    },
  ],
})
export class WebhooksHttpModule {}
