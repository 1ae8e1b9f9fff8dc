import { Injectable } from '@nestjs/common';
import { Problems } from '@app/http';
import { IntakeOrigin, ReceiveOutcome, TransactionsService } from '@app/transactions';
import { withinIntakeDeadline } from './intake-deadline';
import { MappedTransactionValidator } from './mapped-transaction.validator';
import { PaymentReferencesRepository } from './payment-references.repository';
import { MappedPayment, MappedRefund, WebhookProvider } from './providers/webhook-provider';

/** What the provider asked for a refund whose payment is not there yet gets told to wait. */
export const REFUND_RETRY_AFTER_SECONDS = 60;

export type ProviderIntakeOutcome =
  { kind: 'ignored'; event: string } | { kind: 'recorded'; transactionId: string; outcome: ReceiveOutcome };

/**
 * A verified provider event → at most one transaction, through the native route's validation
 * and the same intake (one batched statement, answered after commit). A refund reverses its
 * recorded payment; before the payment is recorded it is refused with a retryable 503.
 */
@Injectable()
export class ProviderIntakeService {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly validator: MappedTransactionValidator,
    private readonly references: PaymentReferencesRepository,
  ) {}

  async receive(provider: WebhookProvider, body: unknown, requestId: string): Promise<ProviderIntakeOutcome> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw Problems.validation([{ field: '', message: 'must be a JSON object' }], 'The request body must be a JSON object.');
    }
    const mapping = provider.map(body as Record<string, unknown>);
    if (mapping.kind === 'ignored') return mapping;
    const origin = { source: provider.name, requestId };
    const work =
      mapping.kind === 'payment' ? this.payment(provider, mapping.payment, origin) : this.refund(provider, mapping.refund, origin);
    return withinIntakeDeadline(work);
  }

  private async payment(provider: WebhookProvider, payment: MappedPayment, origin: IntakeOrigin): Promise<ProviderIntakeOutcome> {
    const input = await this.validator.validate(payment, payment.fields);
    const outcome = await this.transactions.receive(input, origin);
    // After the row commits and before the 2xx: a crash in between is healed by the redelivery.
    if (payment.reference !== undefined && outcome.kind !== 'conflict') {
      await this.references.remember(provider.name, payment.reference, input.transactionId);
    }
    return { kind: 'recorded', transactionId: input.transactionId, outcome };
  }

  private async refund(provider: WebhookProvider, refund: MappedRefund, origin: IntakeOrigin): Promise<ProviderIntakeOutcome> {
    // Validated before the lookup, so a malformed refund is a 400 whether or not its payment is
    // here; the accounts are the payment's (already valid), placeholders until then.
    const checked = await this.validator.validate(
      { ...refund, sourceAccount: 'payment-destination', destinationAccount: 'payment-source' },
      refund.fields,
    );
    const paymentId =
      'transactionId' in refund.payment
        ? refund.payment.transactionId
        : await this.references.transactionIdFor(provider.name, refund.payment.reference);
    const payment = paymentId === undefined ? null : await this.transactions.findByTransactionId(paymentId);
    if (!payment) {
      const named = 'transactionId' in refund.payment ? refund.payment.transactionId : `reference ${refund.payment.reference}`;
      throw Problems.paymentNotRecorded(
        `The refund's payment (${named.slice(0, 160)}) is not recorded yet, so nothing was stored. Redeliver later.`,
        REFUND_RETRY_AFTER_SECONDS,
      );
    }
    if (payment.currency !== checked.currency) {
      throw Problems.validation([
        { field: refund.fields.currency, message: `must be the refunded payment's currency (${payment.currency})` },
      ]);
    }
    // Back the way the payment came: from its destination to its source.
    const input = { ...checked, sourceAccount: payment.destinationAccount, destinationAccount: payment.sourceAccount };
    return {
      kind: 'recorded',
      transactionId: input.transactionId,
      outcome: await this.transactions.receive(input, { ...origin, reverses: payment.transactionId }),
    };
  }
}
