import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, KnownQueryPipe, Problems } from '@app/http';
import { LedgerLegListView } from './ledger-leg.view';
import { LedgerService } from './ledger.service';

@ApiTags('transactions')
@ApiBearerAuth('api-key')
@Controller('v1/transactions')
export class TransactionLedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get(':transaction_id/ledger')
  @ApiOperation({ summary: "A transaction's ledger legs, once posted (PROCESSED)" })
  @ApiParam({ name: 'transaction_id', example: 'txn_demo_1' })
  @ApiOkResponse({ type: LedgerLegListView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(401, 'API_KEYS is set and no valid key was presented')
  @ApiProblemResponse(404, 'No transaction with this id')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  @ApiProblemResponse(503, 'PostgreSQL is unavailable')
  async legs(@Param('transaction_id') transactionId: string, @Query(new KnownQueryPipe([])) _query: unknown): Promise<LedgerLegListView> {
    const legs = await this.ledger.legsOf(transactionId);
    if (!legs) {
      const shown = transactionId.length > 128 ? `${transactionId.slice(0, 128)}…` : transactionId;
      throw Problems.notFound(`No transaction with id "${shown}".`);
    }
    return { items: legs };
  }
}
