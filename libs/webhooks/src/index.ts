export * from './signature';
export { IgnoredEventView } from './ignored-event.view';
export { EventFields } from './providers/event-fields';
export { matchesHexHmac, singleHeader } from './providers/hex-hmac';
export { isoMinorUnitsToDecimal } from './providers/iso-amount';
export { minorUnitsToDecimal } from './providers/minor-units';
export { PaystackProvider } from './providers/paystack/paystack.provider';
export { RazorpayProvider } from './providers/razorpay/razorpay.provider';
export { stripeAmountExponent } from './providers/stripe/stripe-currencies';
export { STRIPE_TOLERANCE_SECONDS, StripeSignatureVerifier } from './providers/stripe/stripe-signature.verifier';
export { StripeProvider } from './providers/stripe/stripe.provider';
export {
  MappedFieldSources,
  MappedPayment,
  MappedRefund,
  PROVIDER_NAME_PATTERN,
  ProviderMapping,
  RefundedPayment,
  WEBHOOK_PROVIDERS,
  WebhookProvider,
} from './providers/webhook-provider';
export { IDENTIFIER_PATTERN, TransactionWebhookDto } from './transaction-webhook.dto';
export { TransactionWebhookParser } from './transaction-webhook.parser';
export { WebhookProviderRegistry } from './webhook-provider.registry';
export { ProviderWebhooksController } from './provider-webhooks.controller';
export { WebhooksController } from './webhooks.controller';
export { BUILT_IN_WEBHOOK_PROVIDERS, WebhookProviderDefinition, WebhooksModule, WebhooksModuleOptions } from './webhooks.module';
