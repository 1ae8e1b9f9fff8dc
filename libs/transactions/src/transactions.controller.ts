import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, KnownQueryPipe, Problems, validationProblemPipe } from '@app/http';
import { BulkRetryResultView } from './bulk-retry-result.view';
import { BulkRetryDto } from './bulk-retry.dto';
import { parseInstant } from './instant';
import { LIST_QUERY_PARAMETERS, ListTransactionsQueryDto } from './list-transactions-query.dto';
import { TransactionEventListView, toEventViews } from './transaction-event.view';
import { TransactionPageView } from './transaction-page.view';
import { TransactionView, toTransactionView } from './transaction.view';
import { TransactionsService } from './transactions.service';

const TRANSACTION_ID = { name: 'transaction_id', example: 'txn_demo_1' };
/** For routes that take no query parameter: any is refused, so a misspelt one is never ignored. */
const NO_QUERY = new KnownQueryPipe([]);

@ApiTags('transactions')
@ApiBearerAuth('api-key')
@ApiProblemResponse(401, 'API_KEYS is set and no valid key was presented')
@ApiProblemResponse(503, 'PostgreSQL is unavailable')
@Controller('v1/transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get()
  @ApiOperation({ summary: 'List transactions, newest first, one page at a time (keyset cursor)' })
  @ApiOkResponse({ type: TransactionPageView })
  @ApiProblemResponse(400, 'Bad, unknown or repeated status, account, limit or cursor: `errors` names each')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  async list(
    @Query(new KnownQueryPipe(LIST_QUERY_PARAMETERS), validationProblemPipe('The query is invalid.')) query: ListTransactionsQueryDto,
  ): Promise<TransactionPageView> {
    const page = await this.transactions.list(query);
    return { items: page.items.map(toTransactionView), next_cursor: page.nextCursor };
  }

  // Declared before ':transaction_id/retry' only for readability: the paths differ in length.
  @Post('retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Re-queue every FAILED transaction (optionally only those failed since an instant)' })
  @ApiAcceptedResponse({ type: BulkRetryResultView })
  @ApiProblemResponse(400, 'The body is not {"status":"FAILED","since"?: RFC 3339 instant}, or a query parameter was given')
  async retryAll(
    @Body(validationProblemPipe('The request body is not a valid bulk retry.')) body: BulkRetryDto,
    @Query(NO_QUERY) _query: unknown,
  ): Promise<BulkRetryResultView> {
    // The DTO has checked `since` with the same parser, so null cannot come back here.
    const requeued = await this.transactions.retryAllFailed(body.since === undefined ? undefined : (parseInstant(body.since) ?? undefined));
    return { requeued };
  }

  @Get(':transaction_id')
  @ApiOperation({ summary: 'One transaction' })
  @ApiParam(TRANSACTION_ID)
  @ApiOkResponse({ type: TransactionView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(404, 'No transaction with this id')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  async findOne(@Param('transaction_id') transactionId: string, @Query(NO_QUERY) _query: unknown): Promise<TransactionView> {
    const transaction = await this.transactions.findByTransactionId(transactionId);
    if (!transaction) throw unknownTransaction(transactionId);
    return toTransactionView(transaction);
  }

  @Get(':transaction_id/events')
  @ApiOperation({ summary: "A transaction's timeline, oldest first: received, attempt_failed, processed, failed, retried" })
  @ApiParam(TRANSACTION_ID)
  @ApiOkResponse({ type: TransactionEventListView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(404, 'No transaction with this id')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  async events(@Param('transaction_id') transactionId: string, @Query(NO_QUERY) _query: unknown): Promise<TransactionEventListView> {
    const events = await this.transactions.timelineOf(transactionId);
    if (!events) throw unknownTransaction(transactionId);
    return { items: toEventViews(events) };
  }

  @Post(':transaction_id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Re-queue one FAILED transaction (back to PROCESSING)' })
  @ApiParam(TRANSACTION_ID)
  @ApiAcceptedResponse({ type: TransactionView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(404, 'No transaction with this id')
  @ApiProblemResponse(409, 'The transaction is not FAILED')
  async retry(@Param('transaction_id') transactionId: string, @Query(NO_QUERY) _query: unknown): Promise<TransactionView> {
    const outcome = await this.transactions.retry(transactionId);
    if (outcome.kind === 'unknown') throw unknownTransaction(transactionId);
    if (outcome.kind === 'not-failed') {
      throw Problems.conflict('not-retryable', 'Only a FAILED transaction can be retried.');
    }
    return toTransactionView(outcome.transaction);
  }
}

/** Ids are at most 128 characters; a longer path segment is cut so the 404 never echoes kilobytes. */
function unknownTransaction(transactionId: string) {
  const shown = transactionId.length > 128 ? `${transactionId.slice(0, 128)}…` : transactionId;
  return Problems.notFound(`No transaction with id "${shown}".`);
}
