import { Controller, HttpCode, HttpStatus, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblemResponse, ProblemException, Problems, RawBodyRequest, requestIdOf } from '@app/http';
import { EXPECTED_RETRY, WEBHOOK_IGNORED } from '@app/observability';
import { TransactionView } from '@app/transactions';
import { answerIntake } from './intake-answer';
import { IgnoredEventView } from './ignored-event.view';
import { ProviderIntakeService } from './provider-intake.service';
import { WebhookProviderRegistry } from './webhook-provider.registry';
import { JSON_TYPES } from './webhooks.controller';

/**
 * POST /v1/webhooks/<provider>: a payment provider's own webhook, verified on the raw body and
 * mapped to a transaction. Registered after WebhooksController, so `transactions` stays native.
 */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class ProviderWebhooksController {
  constructor(
    private readonly registry: WebhookProviderRegistry,
    private readonly intake: ProviderIntakeService,
  ) {}

  @Post(':provider')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Receive a payment provider's own webhook",
    description:
      'stripe, razorpay, paystack, or a provider a team registered. Enabled by its secret; verified on the raw body. Payments and refunds become transactions (202, as the native route); other events are answered 200 and stored nowhere.',
  })
  @ApiParam({ name: 'provider', example: 'stripe' })
  @ApiBody({ description: "The provider's event, byte for byte as it signed it", schema: { type: 'object' } })
  @ApiAcceptedResponse({
    type: TransactionView,
    description: 'The payment or refund, recorded (or a redelivery: Idempotent-Replayed: true)',
  })
  @ApiOkResponse({
    type: IgnoredEventView,
    description:
      'An event that moves no money here: stored nowhere. (Paystack, which counts only 200 as delivered, also gets its recorded payments and refunds as 200.)',
  })
  @ApiProblemResponse(400, 'The event lacks a field the mapping needs, or maps to an invalid transaction: `errors` names provider fields')
  @ApiProblemResponse(401, 'Missing, malformed, stale or wrong signature')
  @ApiProblemResponse(404, 'Unknown provider, or its secret is unset')
  @ApiProblemResponse(409, 'This transaction was already received with a different payload; nothing changed')
  @ApiProblemResponse(413, 'Body larger than BODY_LIMIT')
  @ApiProblemResponse(415, 'Body is not JSON')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  @ApiProblemResponse(
    503,
    'PostgreSQL unavailable, or a refund whose payment is not recorded yet: not acknowledged, redeliver later (Retry-After)',
  )
  async receive(
    @Param('provider') name: string,
    @Req() req: RawBodyRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TransactionView | IgnoredEventView> {
    const provider = this.registry.enabled(name);
    // Word for word what an unknown route answers: a disabled provider is not there.
    if (!provider) throw new NotFoundException(`Cannot ${req.method} ${req.originalUrl}`);
    if (!req.is(JSON_TYPES) || !req.rawBody) throw Problems.unsupportedMediaType();
    const signature = provider.verify(req.rawBody, req.headers);
    if (!signature.ok) throw Problems.unauthorized(`Webhook signature rejected: ${signature.reason}.`);

    const result = await this.intake.receive(provider, req.body, requestIdOf(req)).catch((error: unknown) => {
      // A refund ahead of its payment is normal traffic: logged as a warning, not an error.
      if (error instanceof ProblemException && error.problem.type.endsWith('/payment-not-recorded')) res.locals[EXPECTED_RETRY] = true;
      throw error;
    });
    if (result.kind === 'ignored') {
      res.locals[WEBHOOK_IGNORED] = true;
      res.status(HttpStatus.OK);
      return { status: 'ignored', event: result.event };
    }
    return answerIntake(res, result.outcome, result.transactionId, provider.acceptedStatus);
  }
}
