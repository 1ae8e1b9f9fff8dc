import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, Problems } from '@app/http';
import { currencyMinorUnits, findTopLevelNumberLiteral, normalizeAmount } from '@app/money';
import { NewTransaction } from '@app/transactions';
import { TransactionWebhookDto } from './transaction-webhook.dto';

/**
 * Turns a parsed body (plus its raw bytes) into a NewTransaction or a 400 problem listing
 * every invalid field. The amount is taken from the raw JSON literal, because JSON.parse has
 * already rounded it to a double; the stored value is the exact canonical decimal.
 */
@Injectable()
export class TransactionWebhookParser {
  async parse(body: unknown, rawBody: Buffer): Promise<NewTransaction> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw Problems.validation([{ field: '', message: 'must be a JSON object' }], 'The request body must be a JSON object.');
    }
    const dto = plainToInstance(TransactionWebhookDto, body, { excludeExtraneousValues: false });
    const errors: FieldError[] = (await validate(dto, { whitelist: true, forbidUnknownValues: true, stopAtFirstError: true })).map(
      (error) => ({ field: error.property, message: Object.values(error.constraints ?? {})[0] ?? 'is invalid' }),
    );
    const invalid = new Set(errors.map((error) => error.field));

    if (!invalid.has('source_account') && !invalid.has('destination_account') && dto.source_account === dto.destination_account) {
      errors.push({ field: 'destination_account', message: 'must differ from source_account' });
    }
    let amount = '';
    if (!invalid.has('amount') && !invalid.has('currency')) {
      const literal = findTopLevelNumberLiteral(rawBody.toString('utf8'), 'amount');
      const normalized = literal === undefined ? { ok: false as const, reason: 'must be a JSON number' } : normalizeAmount(literal, currencyMinorUnits(dto.currency) ?? 0);
      if (normalized.ok) amount = normalized.value;
      else errors.push({ field: 'amount', message: normalized.reason });
    }
    if (errors.length > 0) throw Problems.validation(errors);

    return {
      transactionId: dto.transaction_id,
      sourceAccount: dto.source_account,
      destinationAccount: dto.destination_account,
      amount,
      currency: dto.currency,
    };
  }
}
