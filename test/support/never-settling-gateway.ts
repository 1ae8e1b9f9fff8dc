import { Injectable, Logger } from '@nestjs/common';
import { SettlementGateway, SettlementRequest } from '@app/processing';

/**
 * A provider whose socket hangs and that ignores the abort signal, as a careless client would:
 * only the worker's own deadline can end its calls. Each call is logged, so a test can count them.
 */
@Injectable()
export class NeverSettlingGateway implements SettlementGateway {
  private readonly logger = new Logger(NeverSettlingGateway.name);

  settle(request: SettlementRequest): Promise<void> {
    this.logger.log({ msg: 'settlement call received, never answered', transaction_id: request.transactionId, attempt: request.attempt });
    return new Promise<void>(() => undefined);
  }
}
