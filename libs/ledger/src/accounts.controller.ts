import { Controller, Get, Param } from '@nestjs/common';
import { Balances, LedgerService } from './ledger.service';

export interface BalanceView {
  account_id: string;
  balances: Balances;
}

@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get(':accountId/balance')
  async balance(@Param('accountId') accountId: string): Promise<BalanceView> {
    return { account_id: accountId, balances: await this.ledger.balancesOf(accountId) };
  }
}
