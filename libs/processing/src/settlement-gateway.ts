/** What the worker asks of the outside world before it posts a transaction. */
export interface SettlementRequest {
  transactionId: string;
  sourceAccount: string;
  destinationAccount: string;
  /** Canonical decimal string, never a float. */
  amount: string;
  currency: string;
  /** 1 for the first try; a real provider can use it with transactionId as an idempotency key. */
  attempt: number;
  /**
   * Aborted when the call passes SETTLEMENT_TIMEOUT_MS: pass it to the HTTP client (fetch's
   * `signal`) so the socket is released. The worker stops waiting at the deadline either way.
   */
  signal: AbortSignal;
}

/**
 * The external call, behind a DI token so a team can replace the simulation with a real
 * provider (see docs/extending.md). Throwing means "try again later": the worker counts the
 * attempt, backs off and retries until PROCESSING_MAX_ATTEMPTS. A call that outlives
 * SETTLEMENT_TIMEOUT_MS counts as such a failure.
 */
export interface SettlementGateway {
  settle(request: SettlementRequest): Promise<void>;
}

export const SETTLEMENT_GATEWAY = Symbol('SETTLEMENT_GATEWAY');
