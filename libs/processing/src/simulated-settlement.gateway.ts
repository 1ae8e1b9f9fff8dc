import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { SettlementGateway, SettlementRequest } from './settlement-gateway';

export class SimulatedSettlementError extends Error {
  constructor() {
    super('simulated transient failure of the external call');
    this.name = 'SimulatedSettlementError';
  }
}

/**
 * Stands in for a slow provider: an awaited timer, so thousands of calls wait side by side
 * without blocking the event loop, and an optional transient failure rate. It honours the
 * request's signal as a real HTTP client would: the timer is cleared and the call rejects at once.
 */
@Injectable()
export class SimulatedSettlementGateway implements SettlementGateway {
  constructor(private readonly config: AppConfig) {}

  async settle(request: SettlementRequest): Promise<void> {
    await sleep(this.config.processingDelayMs, undefined, { signal: request.signal });
    if (Math.random() < this.config.simulatedFailureRate) throw new SimulatedSettlementError();
  }
}
