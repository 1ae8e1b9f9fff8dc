import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IncomingHeaders, SignatureCheck } from '../../signature';
import { EventFields } from '../event-fields';
import { matchesHexHmac, singleHeader } from '../hex-hmac';
import { isoMinorUnitsToDecimal } from '../iso-amount';
import { ProviderMapping, WebhookProvider } from '../webhook-provider';

const PAYMENT = 'payload.payment.entity';
const REFUND = 'payload.refund.entity';

/**
 * Razorpay: `X-Razorpay-Signature` is the hex HMAC-SHA256 of the raw body under the webhook
 * secret (no timestamp: a replayed delivery is a redelivery, which intake answers as one).
 * `payment.captured` is a payment, `refund.processed` a refund.
 */
@Injectable()
export class RazorpayProvider implements WebhookProvider {
  readonly name = 'razorpay';
  readonly enabled: boolean;
  private readonly secrets: readonly string[];

  constructor(config: AppConfig) {
    this.secrets = config.razorpayWebhookSecrets;
    this.enabled = this.secrets.length > 0;
  }

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    if (!this.enabled) return { ok: false, reason: 'provider disabled' };
    const signature = singleHeader(headers, 'x-razorpay-signature');
    if (signature === undefined) return { ok: false, reason: 'missing X-Razorpay-Signature header' };
    return matchesHexHmac('sha256', this.secrets, [rawBody], signature) ? { ok: true } : { ok: false, reason: 'no signature matches' };
  }

  map(event: Record<string, unknown>): ProviderMapping {
    const fields = new EventFields(event);
    const type = fields.string('event');
    fields.check();
    if (type === 'payment.captured') return this.payment(fields);
    if (type === 'refund.processed') return this.refund(fields, type);
    return { kind: 'ignored', event: type };
  }

  private payment(fields: EventFields): ProviderMapping {
    const id = fields.id(`${PAYMENT}.id`);
    const currency = fields.string(`${PAYMENT}.currency`).toUpperCase();
    const minor = fields.minorUnits(`${PAYMENT}.amount`);
    const customer = fields.optionalId(`${PAYMENT}.customer_id`, 'anonymous');
    const account = fields.optionalId('account_id', 'platform');
    fields.check();
    return {
      kind: 'payment',
      payment: {
        transactionId: `razorpay:${id}`,
        sourceAccount: `razorpay:customer:${customer}`,
        destinationAccount: `razorpay:account:${account}`,
        amount: isoMinorUnitsToDecimal(minor, currency),
        currency,
        fields: {
          transaction_id: `${PAYMENT}.id`,
          amount: `${PAYMENT}.amount`,
          currency: `${PAYMENT}.currency`,
          source_account: `${PAYMENT}.customer_id`,
          destination_account: 'account_id',
        },
      },
    };
  }

  private refund(fields: EventFields, type: string): ProviderMapping {
    // Razorpay auto-refunds payments it never captured: no payment.captured, nothing to reverse.
    if (fields.value(`${PAYMENT}.captured`) === false) return { kind: 'ignored', event: type };
    const id = fields.id(`${REFUND}.id`);
    const paymentId = fields.id(`${REFUND}.payment_id`);
    const currency = fields.string(`${REFUND}.currency`).toUpperCase();
    const minor = fields.minorUnits(`${REFUND}.amount`);
    fields.check();
    return {
      kind: 'refund',
      refund: {
        transactionId: `razorpay:${id}`,
        payment: { transactionId: `razorpay:${paymentId}` },
        amount: isoMinorUnitsToDecimal(minor, currency),
        currency,
        fields: {
          transaction_id: `${REFUND}.id`,
          amount: `${REFUND}.amount`,
          currency: `${REFUND}.currency`,
          payment: `${REFUND}.payment_id`,
        },
      },
    };
  }
}
