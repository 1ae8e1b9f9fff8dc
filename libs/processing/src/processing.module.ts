import { DynamicModule, InjectionToken, Module, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { QueueModule } from '@app/queue';
import { TransactionsModule } from '@app/transactions';
import { RecoverySweep } from './recovery-sweep';
import { SETTLEMENT_GATEWAY, SettlementGateway } from './settlement-gateway';
import { SettlementProcessor } from './settlement.processor';
import { SettlementService } from './settlement.service';
import { SimulatedSettlementGateway } from './simulated-settlement.gateway';

/** A gateway built by a factory, e.g. from configuration, without a class per variant. */
export interface SettlementGatewayFactory {
  // Nest factories take whatever their `inject` list resolves to: the types are the caller's.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...dependencies: any[]) => SettlementGateway | Promise<SettlementGateway>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
}

export interface ProcessingWorkerOptions {
  /** Replaces the simulated external call: a class, or a factory with its dependencies. */
  settlementGateway?: Type<SettlementGateway> | SettlementGatewayFactory;
  /** Modules the replacement gateway (or its factory) depends on. */
  imports?: ModuleMetadata['imports'];
}

function gatewayProvider(gateway: ProcessingWorkerOptions['settlementGateway']): Provider {
  if (gateway === undefined) return { provide: SETTLEMENT_GATEWAY, useClass: SimulatedSettlementGateway };
  if (typeof gateway === 'function') return { provide: SETTLEMENT_GATEWAY, useClass: gateway };
  return { provide: SETTLEMENT_GATEWAY, useFactory: gateway.useFactory, inject: gateway.inject ?? [] };
}

/**
 * Settlement: the queue consumer and the recovery sweep. Only the worker roles call `forWorker`:
 * a processor in a module the API imports would silently turn the API into a consumer.
 */
@Module({})
export class ProcessingModule {
  static forWorker(options: ProcessingWorkerOptions = {}): DynamicModule {
    return {
      module: ProcessingModule,
      imports: [QueueModule, TransactionsModule, LedgerModule, ...(options.imports ?? [])],
      providers: [gatewayProvider(options.settlementGateway), SettlementService, SettlementProcessor, RecoverySweep],
      exports: [SettlementService, RecoverySweep],
    };
  }
}
