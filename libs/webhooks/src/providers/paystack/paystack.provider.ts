import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IncomingHeaders, SignatureCheck } from '../../signature';
import { EventFields } from '../event-fields';
import { matchesHexHmac, singleHeader } from '../hex-hmac';
import { isoMinorUnitsToDecimal } from '../iso-amount';
import { ProviderMapping, WebhookProvider } from '../webhook-provider';

/**
 * Paystack: `x-paystack-signature` is the hex HMAC-SHA512 of the raw body under the secret key.
 * `charge.success` is a payment (recorded as `paystack:<data.id>`, remembered under its
 * `reference`), `refund.processed` a refund: Paystack's refund events name the payment only by
 * `transaction_reference`, and carry the refund's own `refund_reference` (or an `id`).
 */
@Injectable()
export class PaystackProvider implements WebhookProvider {
  readonly name = 'paystack';
  readonly enabled: boolean;
  /** Paystack's docs count only "200 OK" as delivered; a 202 would be retried for 72 hours. */
  readonly acceptedStatus = 200;
  private readonly secrets: readonly string[];

  constructor(config: AppConfig) {
    this.secrets = config.paystackSecretKeys;
    this.enabled = this.secrets.length > 0;
  }

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    if (!this.enabled) return { ok: false, reason: 'provider disabled' };
    const signature = singleHeader(headers, 'x-paystack-signature');
    if (signature === undefined) return { ok: false, reason: 'missing x-paystack-signature header' };
    return matchesHexHmac('sha512', this.secrets, [rawBody], signature) ? { ok: true } : { ok: false, reason: 'no signature matches' };
  }

  map(event: Record<string, unknown>): ProviderMapping {
    const fields = new EventFields(event);
    const type = fields.string('event');
    fields.check();
    if (type === 'charge.success') return this.payment(fields);
    if (type === 'refund.processed') return this.refund(fields);
    return { kind: 'ignored', event: type };
  }

  private payment(fields: EventFields): ProviderMapping {
    const id = fields.id('data.id');
    const reference = fields.id('data.reference');
    const currency = fields.string('data.currency').toUpperCase();
    const minor = fields.minorUnits('data.amount');
    const customer = fields.optionalId('data.customer.customer_code', 'anonymous');
    // A split to a subaccount carries its code; without one `subaccount` is {} or null.
    const subaccount = fields.optionalId('data.subaccount.subaccount_code', 'platform');
    fields.check();
    return {
      kind: 'payment',
      payment: {
        transactionId: `paystack:${id}`,
        sourceAccount: `paystack:customer:${customer}`,
        destinationAccount: `paystack:account:${subaccount}`,
        amount: isoMinorUnitsToDecimal(minor, currency),
        currency,
        reference,
        fields: {
          transaction_id: 'data.id',
          amount: 'data.amount',
          currency: 'data.currency',
          source_account: 'data.customer.customer_code',
          destination_account: 'data.subaccount.subaccount_code',
        },
      },
    };
  }

  private refund(fields: EventFields): ProviderMapping {
    // `refund:` keeps refunds apart from payments: both ids can be plain numbers at Paystack.
    const idField = fields.value('data.refund_reference') ? 'data.refund_reference' : 'data.id';
    const id = fields.id(idField);
    const reference = fields.id('data.transaction_reference');
    const currency = fields.string('data.currency').toUpperCase();
    const minor = fields.minorUnits('data.amount');
    fields.check();
    return {
      kind: 'refund',
      refund: {
        transactionId: `paystack:refund:${id}`,
        payment: { reference },
        amount: isoMinorUnitsToDecimal(minor, currency),
        currency,
        fields: { transaction_id: idField, amount: 'data.amount', currency: 'data.currency', payment: 'data.transaction_reference' },
      },
    };
  }
}
