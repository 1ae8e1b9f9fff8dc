import { Injectable } from '@nestjs/common';
import { SettlementGateway, SettlementRequest } from '@app/processing';

/**
 * A settlement provider the test scripts: it records every call, can hold calls until
 * released, and can fail the first N calls of a transaction (or all of them).
 */
@Injectable()
export class ScriptedGateway implements SettlementGateway {
  readonly calls: Array<SettlementRequest & { at: number }> = [];
  readonly failFirst = new Map<string, number>();
  alwaysFail = false;
  private gate?: { opened: Promise<void>; open: () => void; holds: (request: SettlementRequest) => boolean };

  /** Holds calls until release(): every call, or those `holds` picks (it sees the call already recorded). */
  hold(holds: (request: SettlementRequest) => boolean = () => true): void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { opened, open, holds };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  callsFor(transactionId: string): Array<SettlementRequest & { at: number }> {
    return this.calls.filter((call) => call.transactionId === transactionId);
  }

  async settle(request: SettlementRequest): Promise<void> {
    this.calls.push({ ...request, at: Date.now() });
    if (this.gate?.holds(request)) await this.gate.opened;
    const left = this.failFirst.get(request.transactionId) ?? 0;
    if (this.alwaysFail || left > 0) {
      this.failFirst.set(request.transactionId, left - 1);
      throw new Error(`provider declined attempt ${request.attempt}`);
    }
  }
}
