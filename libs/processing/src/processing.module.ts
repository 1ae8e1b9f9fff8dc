import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { QueueModule } from '@app/queue';
import { TransactionsModule } from '@app/transactions';
import { RecoverySweep } from './recovery-sweep';
import { SETTLEMENT_GATEWAY, SettlementGateway } from './settlement-gateway';
import { SettlementProcessor } from './settlement.processor';
import { SettlementService } from './settlement.service';
import { SimulatedSettlementGateway } from './simulated-settlement.gateway';

export interface ProcessingWorkerOptions {
  /** Replaces the simulated external call, e.g. with a real provider's client. */
  settlementGateway?: Type<SettlementGateway>;
  /** Modules the replacement gateway depends on. */
  imports?: ModuleMetadata['imports'];
}

/**
 * The queue consumer and the recovery sweep. Imported by the worker root only: a processor in
 * a module the API imports would silently turn the API into a consumer.
 */
@Module({})
export class ProcessingWorkerModule {
  static register(options: ProcessingWorkerOptions = {}): DynamicModule {
    const gateway: Provider = { provide: SETTLEMENT_GATEWAY, useClass: options.settlementGateway ?? SimulatedSettlementGateway };
    return {
      module: ProcessingWorkerModule,
      imports: [QueueModule, TransactionsModule, LedgerModule, ...(options.imports ?? [])],
      providers: [gateway, SettlementService, SettlementProcessor, RecoverySweep],
      exports: [SettlementService, RecoverySweep],
    };
  }
}
