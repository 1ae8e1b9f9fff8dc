import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, KnownQueryPipe } from '@app/http';
import { BalanceView } from './balance.view';
import { LedgerService } from './ledger.service';

@ApiTags('accounts')
@ApiBearerAuth('api-key')
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get(':account_id/balance')
  @ApiOperation({ summary: 'Balances of an account from posted (PROCESSED) transactions' })
  @ApiParam({ name: 'account_id', example: 'user_acc_1' })
  @ApiOkResponse({ type: BalanceView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(401, 'API_KEYS is set and no valid key was presented')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  @ApiProblemResponse(503, 'PostgreSQL is unavailable')
  async balance(@Param('account_id') accountId: string, @Query(new KnownQueryPipe([])) _query: unknown): Promise<BalanceView> {
    return { account_id: accountId, balances: await this.ledger.balancesOf(accountId) };
  }
}
