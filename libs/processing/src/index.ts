export { backoffDelayMs } from './backoff';
export { ProcessingModule, ProcessingWorkerOptions, SettlementGatewayFactory } from './processing.module';
export { RecoverySweep, SWEEP_IDLE_SECONDS } from './recovery-sweep';
export { SETTLEMENT_GATEWAY, SettlementGateway, SettlementRequest } from './settlement-gateway';
export { STORAGE_RETRY_DELAY_MS, SettleOptions, SettlementOutcome, SettlementService } from './settlement.service';
export { SimulatedSettlementError, SimulatedSettlementGateway } from './simulated-settlement.gateway';
export {
  SettlementProcessor,
  WORKER_LOCK_DURATION_MS,
  WORKER_MAX_STALLED_COUNT,
  WORKER_STALLED_INTERVAL_MS,
} from './settlement.processor';
export { SHUTDOWN_COMMIT_MARGIN_MS, SHUTDOWN_MARGIN_MS, SHUTDOWN_REPORT_PATIENCE_MS } from './shutdown-budget';
export { SettlementTimeoutError, withSettlementDeadline } from './settlement-deadline';
export { COMPLETION_RETRY, CompletionRetrySchedule } from './settlement-committer';
