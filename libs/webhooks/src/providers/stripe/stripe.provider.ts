import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IncomingHeaders, SignatureCheck } from '../../signature';
import { EventFields } from '../event-fields';
import { minorUnitsToDecimal } from '../minor-units';
import { ProviderMapping, WebhookProvider } from '../webhook-provider';
import { stripeAmountExponent } from './stripe-currencies';
import { StripeSignatureVerifier } from './stripe-signature.verifier';

const REFUND_EVENTS = new Set(['refund.created', 'refund.updated']);

/**
 * Stripe: `payment_intent.succeeded` is a payment, a refund (`refund.created`/`.updated`) is
 * recorded once its status is `succeeded`. Connect events name the connected account in `account`.
 */
@Injectable()
export class StripeProvider implements WebhookProvider {
  readonly name = 'stripe';
  readonly enabled: boolean;
  private readonly verifier: StripeSignatureVerifier | undefined;

  constructor(config: AppConfig) {
    this.enabled = config.stripeWebhookSecrets.length > 0;
    this.verifier = this.enabled ? new StripeSignatureVerifier(config.stripeWebhookSecrets) : undefined;
  }

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    return this.verifier ? this.verifier.verify(rawBody, headers) : { ok: false, reason: 'provider disabled' };
  }

  map(event: Record<string, unknown>): ProviderMapping {
    const fields = new EventFields(event);
    const type = fields.string('type');
    fields.check();
    if (type === 'payment_intent.succeeded') return this.payment(fields);
    if (REFUND_EVENTS.has(type)) return this.refund(fields, type);
    return { kind: 'ignored', event: type };
  }

  private payment(fields: EventFields): ProviderMapping {
    const id = fields.id('data.object.id');
    const currency = fields.string('data.object.currency').toUpperCase();
    const minor = fields.minorUnits('data.object.amount_received');
    const customer = fields.optionalId('data.object.customer', 'anonymous');
    const account = fields.optionalId('account', 'platform');
    fields.check();
    return {
      kind: 'payment',
      payment: {
        transactionId: `stripe:${id}`,
        sourceAccount: `stripe:customer:${customer}`,
        destinationAccount: `stripe:account:${account}`,
        amount: minorUnitsToDecimal(minor, stripeAmountExponent(currency)),
        currency,
        fields: {
          transaction_id: 'data.object.id',
          amount: 'data.object.amount_received',
          currency: 'data.object.currency',
          source_account: 'data.object.customer',
          destination_account: 'account',
        },
      },
    };
  }

  private refund(fields: EventFields, type: string): ProviderMapping {
    const status = fields.string('data.object.status');
    fields.check();
    // Pending, failed or canceled refunds move no money; the `succeeded` update will come.
    if (status !== 'succeeded') return { kind: 'ignored', event: type };
    // A refund of a charge made without a PaymentIntent reverses nothing recorded here.
    const paymentIntent = fields.value('data.object.payment_intent');
    if (paymentIntent === null || paymentIntent === undefined) return { kind: 'ignored', event: type };
    const id = fields.id('data.object.id');
    const paymentId = fields.id('data.object.payment_intent');
    const currency = fields.string('data.object.currency').toUpperCase();
    const minor = fields.minorUnits('data.object.amount');
    fields.check();
    return {
      kind: 'refund',
      refund: {
        transactionId: `stripe:${id}`,
        payment: { transactionId: `stripe:${paymentId}` },
        amount: minorUnitsToDecimal(minor, stripeAmountExponent(currency)),
        currency,
        fields: {
          transaction_id: 'data.object.id',
          amount: 'data.object.amount',
          currency: 'data.object.currency',
          payment: 'data.object.payment_intent',
        },
      },
    };
  }
}
