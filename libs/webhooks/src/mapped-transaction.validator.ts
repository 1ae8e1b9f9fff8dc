import { Injectable } from '@nestjs/common';
import { ProblemException, Problems } from '@app/http';
import { NewTransaction } from '@app/transactions';
import { MappedFieldSources } from './providers/webhook-provider';
import { TransactionWebhookParser } from './transaction-webhook.parser';

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

export interface MappedTransaction {
  transactionId: string;
  sourceAccount: string;
  destinationAccount: string;
  /** A JSON number literal, exact. */
  amount: string;
  currency: string;
}

/**
 * Holds a provider's mapped transaction to the native route's rules by running it through the
 * native parser as the body it would have been, then renames each field error to the provider
 * field it came from (`amount` → `data.object.amount_received`).
 */
@Injectable()
export class MappedTransactionValidator {
  constructor(private readonly parser: TransactionWebhookParser) {}

  async validate(mapped: MappedTransaction, sources: MappedFieldSources): Promise<NewTransaction> {
    // The literal is spliced into JSON text: anything but a JSON number is refused first.
    if (!JSON_NUMBER.test(mapped.amount)) throw Problems.validation([{ field: sources.amount, message: 'must be a JSON number' }], DETAIL);
    const text =
      `{"transaction_id":${JSON.stringify(mapped.transactionId)},"source_account":${JSON.stringify(mapped.sourceAccount)},` +
      `"destination_account":${JSON.stringify(mapped.destinationAccount)},"amount":${mapped.amount},"currency":${JSON.stringify(mapped.currency)}}`;
    try {
      return await this.parser.parse(JSON.parse(text), Buffer.from(text, 'utf8'));
    } catch (error) {
      if (!(error instanceof ProblemException) || error.problem.status !== 400) throw error;
      const rename = sources as unknown as Record<string, string | undefined>;
      const errors = (error.problem.errors ?? []).map((e) => ({ field: rename[e.field] ?? e.field, message: e.message }));
      throw Problems.validation(errors, DETAIL);
    }
  }
}

const DETAIL = 'The event maps to a transaction that is not valid.';
