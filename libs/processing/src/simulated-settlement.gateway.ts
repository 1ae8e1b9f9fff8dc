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
 * without blocking the event loop, and an optional transient failure rate.
 */
@Injectable()
export class SimulatedSettlementGateway implements SettlementGateway {
  constructor(private readonly config: AppConfig) {}

  async settle(_request: SettlementRequest): Promise<void> {
    await sleep(this.config.processingDelayMs);
    if (Math.random() < this.config.simulatedFailureRate) throw new SimulatedSettlementError();
  }
}
