export * from './signature';
export { IDENTIFIER_PATTERN, TransactionWebhookDto } from './transaction-webhook.dto';
export { TransactionWebhookParser } from './transaction-webhook.parser';
export { WebhooksHttpModule } from './webhooks.module';
