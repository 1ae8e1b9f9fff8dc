import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { Problems } from '@app/http';
import { TransactionView, toTransactionView } from './transaction.view';
import { TransactionsService } from './transactions.service';

@Controller('v1/transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get(':transactionId')
  async findOne(@Param('transactionId') transactionId: string): Promise<TransactionView> {
    const transaction = await this.transactions.findByTransactionId(transactionId);
    if (!transaction) throw Problems.notFound(`No transaction with id "${transactionId}".`);
    return toTransactionView(transaction);
  }

  @Post(':transactionId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  async retry(@Param('transactionId') transactionId: string): Promise<TransactionView> {
    const outcome = await this.transactions.retry(transactionId);
    if (outcome.kind === 'unknown') throw Problems.notFound(`No transaction with id "${transactionId}".`);
    if (outcome.kind === 'not-failed') {
      throw Problems.conflict('not-retryable', 'Only a FAILED transaction can be retried.');
    }
    return toTransactionView(outcome.transaction);
  }
}
