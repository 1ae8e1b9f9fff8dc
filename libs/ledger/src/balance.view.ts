import { ApiProperty } from '@nestjs/swagger';
import { Balances } from './ledger.service';

/** GET /v1/accounts/{account_id}/balance (and its OpenAPI schema). */
export class BalanceView {
  @ApiProperty({ example: 'user_acc_1' })
  account_id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { INR: '-2500.00' },
    description: 'Per currency, the sum of posted (PROCESSED) transactions as an exact decimal string; {} when none',
  })
  balances!: Balances;
}
