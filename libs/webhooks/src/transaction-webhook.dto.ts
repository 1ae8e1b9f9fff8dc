import { IsIn, IsNumber, IsPositive, IsString, Matches } from 'class-validator';
import { ISO_4217_MINOR_UNITS } from '@app/money';

/** 1–128 characters of A-Z a-z 0-9 _ . : -, starting with a letter or digit. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const IDENTIFIER_MESSAGE = 'must be 1-128 characters of A-Z a-z 0-9 _ . : - starting with a letter or digit';

/**
 * The webhook body as the contract defines it. Properties not declared here are stripped by
 * the validator (senders add fields over time) and never stored.
 */
export class TransactionWebhookDto {
  @IsString({ message: 'must be a string' })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  transaction_id!: string;

  @IsString({ message: 'must be a string' })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  source_account!: string;

  @IsString({ message: 'must be a string' })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  destination_account!: string;

  /** Checked again, exactly, from the raw JSON literal: see TransactionWebhookParser. */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a finite JSON number' })
  @IsPositive({ message: 'must be greater than 0' })
  amount!: number;

  @IsString({ message: 'must be a string' })
  @IsIn(Object.keys(ISO_4217_MINOR_UNITS), { message: 'must be an active ISO 4217 currency code in upper case, like INR' })
  currency!: string;
}
