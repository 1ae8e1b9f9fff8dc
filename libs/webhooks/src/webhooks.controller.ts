import { Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblemResponse, Problems, RawBodyRequest, requestIdOf } from '@app/http';
import { TransactionView, TransactionsService } from '@app/transactions';
import { answerIntake } from './intake-answer';
import { withinIntakeDeadline } from './intake-deadline';
import { WEBHOOK_SIGNATURE_VERIFIER, WebhookSignatureVerifier } from './signature';
import { TransactionWebhookDto } from './transaction-webhook.dto';
import { TransactionWebhookParser } from './transaction-webhook.parser';

export const JSON_TYPES = ['application/json', 'application/*+json'];

const SIGNED = 'Required when WEBHOOK_SECRET is set (Standard Webhooks).';

@ApiTags('webhooks')
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
  @ApiOperation({
    summary: 'Receive a transaction webhook',
    description: 'Answered 202 once the row is committed in PostgreSQL; processing happens later, exactly once. Not behind API_KEYS.',
  })
  @ApiBody({ type: TransactionWebhookDto })
  @ApiHeader({ name: 'webhook-id', required: false, description: `Unique message id. ${SIGNED}` })
  @ApiHeader({ name: 'webhook-timestamp', required: false, description: `Unix seconds; at most 5 minutes off. ${SIGNED}` })
  @ApiHeader({ name: 'webhook-signature', required: false, description: `v1,<base64 HMAC-SHA256 of id.timestamp.body>. ${SIGNED}` })
  @ApiAcceptedResponse({
    type: TransactionView,
    description: 'Recorded (new) or already recorded (a redelivery with the same payload): the transaction as it is now',
    headers: {
      Location: { description: '/v1/transactions/{transaction_id}', schema: { type: 'string' } },
      'Idempotent-Replayed': {
        description: '"true" when this id was already received with the same payload',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiProblemResponse(400, 'Invalid body: `errors` lists each field')
  @ApiProblemResponse(401, 'Missing, bad or stale signature (when WEBHOOK_SECRET is set)')
  @ApiProblemResponse(409, 'This transaction_id was already received with a different payload; nothing changed')
  @ApiProblemResponse(413, 'Body larger than BODY_LIMIT')
  @ApiProblemResponse(415, 'Body is not JSON')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  @ApiProblemResponse(503, 'PostgreSQL is unavailable: not acknowledged, retry later (with Retry-After)')
  async receive(@Req() req: RawBodyRequest, @Res({ passthrough: true }) res: Response): Promise<TransactionView> {
    if (!req.is(JSON_TYPES) || !req.rawBody) throw Problems.unsupportedMediaType();
    const signature = this.verifier.verify(req.rawBody, req.headers);
    if (!signature.ok) throw Problems.unauthorized(`Webhook signature rejected: ${signature.reason}.`);

    const input = await this.parser.parse(req.body, req.rawBody);
    const outcome = await withinIntakeDeadline(this.transactions.receive(input, { source: 'native', requestId: requestIdOf(req) }));
    return answerIntake(res, outcome, input.transactionId);
  }
}
