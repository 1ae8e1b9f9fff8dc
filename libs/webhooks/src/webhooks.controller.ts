import { Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Problems, RawBodyRequest } from '@app/http';
import { TransactionView, TransactionsService, toTransactionView } from '@app/transactions';
import { WEBHOOK_SIGNATURE_VERIFIER, WebhookSignatureVerifier } from './signature';
import { TransactionWebhookParser } from './transaction-webhook.parser';

const JSON_TYPES = ['application/json', 'application/*+json'];

@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly parser: TransactionWebhookParser,
    private readonly transactions: TransactionsService,
    @Inject(WEBHOOK_SIGNATURE_VERIFIER) private readonly verifier: WebhookSignatureVerifier,
  ) {}

  /**
   * 202 only once the row is committed. Redeliveries get the current state with
   * Idempotent-Replayed; a different payload under a known id changes nothing and gets 409.
   */
  @Post('transactions')
  @HttpCode(HttpStatus.ACCEPTED)
  async receive(@Req() req: RawBodyRequest, @Res({ passthrough: true }) res: Response): Promise<TransactionView> {
    if (!req.is(JSON_TYPES) || !req.rawBody) throw Problems.unsupportedMediaType();
    const signature = this.verifier.verify(req.rawBody, req.headers);
    if (!signature.ok) throw Problems.unauthorized(`Webhook signature rejected: ${signature.reason}.`);

    const input = await this.parser.parse(req.body, req.rawBody);
    const outcome = await this.transactions.receive(input);
    if (outcome.kind === 'conflict') {
      throw Problems.conflict(
        'idempotency-conflict',
        `Transaction "${input.transactionId}" was already received with a different payload.`,
      );
    }
    res.setHeader('Location', `/v1/transactions/${encodeURIComponent(outcome.transaction.transactionId)}`);
    if (outcome.kind === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
    return toTransactionView(outcome.transaction);
  }
}
