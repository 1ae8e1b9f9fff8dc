export { backoffDelayMs } from './backoff';
export { ProcessingWorkerModule, ProcessingWorkerOptions } from './processing.module';
export { RecoverySweep } from './recovery-sweep';
export { SETTLEMENT_GATEWAY, SettlementGateway, SettlementRequest } from './settlement-gateway';
export { SettlementOutcome, SettlementService } from './settlement.service';
export { SimulatedSettlementError, SimulatedSettlementGateway } from './simulated-settlement.gateway';
export { WORKER_LOCK_DURATION_MS, WORKER_MAX_STALLED_COUNT, WORKER_STALLED_INTERVAL_MS } from './settlement.processor';
