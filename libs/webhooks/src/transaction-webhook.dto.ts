import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNumber, IsPositive, IsString, Matches } from 'class-validator';
import { ISO_4217_MINOR_UNITS } from '@app/money';

/** 1–128 characters of A-Z a-z 0-9 _ . : -, starting with a letter or digit. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const IDENTIFIER_MESSAGE = 'must be 1-128 characters of A-Z a-z 0-9 _ . : - starting with a letter or digit';

/** Messages shared with TransactionWebhookParser, which applies these rules by hand. */
export const STRING_MESSAGE = 'must be a string';
export const FINITE_NUMBER_MESSAGE = 'must be a finite JSON number';
export const POSITIVE_MESSAGE = 'must be greater than 0';
export const CURRENCY_MESSAGE = 'must be an active ISO 4217 currency code in upper case, like INR';

/**
 * The webhook body as docs/api.md defines it, for OpenAPI and as the statement of the rules
 * TransactionWebhookParser applies (the spec checks both agree). Properties not declared here
 * are ignored (senders add fields over time) and never stored.
 */
export class TransactionWebhookDto {
  @ApiProperty({ pattern: IDENTIFIER_PATTERN.source, example: 'txn_demo_1', description: 'The idempotency key: one transaction per id' })
  @IsString({ message: STRING_MESSAGE })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  transaction_id!: string;

  @ApiProperty({ pattern: IDENTIFIER_PATTERN.source, example: 'user_acc_1', description: 'Debited account' })
  @IsString({ message: STRING_MESSAGE })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  source_account!: string;

  @ApiProperty({
    pattern: IDENTIFIER_PATTERN.source,
    example: 'merchant_acc_1',
    description: 'Credited account; differs from source_account',
  })
  @IsString({ message: STRING_MESSAGE })
  @Matches(IDENTIFIER_PATTERN, { message: IDENTIFIER_MESSAGE })
  destination_account!: string;

  /** Checked again, exactly, from the raw JSON literal: see TransactionWebhookParser. */
  @ApiProperty({
    example: 2500,
    exclusiveMinimum: true,
    minimum: 0,
    description: "A JSON number > 0 with at most the currency's minor-unit digits (INR, USD: 2; JPY: 0; KWD: 3) and 15 significant digits",
  })
  // class-validator checks the last-declared decorator first: "not a number" before "not positive".
  @IsPositive({ message: POSITIVE_MESSAGE })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: FINITE_NUMBER_MESSAGE })
  amount!: number;

  @ApiProperty({ example: 'INR', description: 'Active ISO 4217 alphabetic code, upper case' })
  @IsString({ message: STRING_MESSAGE })
  @IsIn(Object.keys(ISO_4217_MINOR_UNITS), { message: CURRENCY_MESSAGE })
  currency!: string;
}
