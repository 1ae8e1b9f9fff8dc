/** The settlement queue carries references only: the database row is the source of truth. */
export const SETTLEMENT_QUEUE = 'settlement';
export const SETTLE_JOB = 'settle';

export interface SettlementJobData {
  transactionId: string;
  /**
   * The row's enqueue_generation when this job was added. A job from an older generation has
   * been superseded (manual retry, recovery sweep) and is skipped. Absent in jobs queued by
   * builds that did not record it; those are not checked.
   */
  generation?: number;
}

/**
 * A deterministic job id per transaction and enqueue generation, so concurrent or repeated
 * enqueues of the same work collapse into one job. BullMQ rejects ids containing ':' and ids
 * made only of digits, both of which transaction ids may be: ':' becomes '%3A' ('%' never
 * occurs in a transaction id, so the mapping stays injective) and the '#generation' suffix
 * keeps the id from ever being a bare integer.
 */
export function settlementJobId(transactionId: string, generation: number): string {
  return `${transactionId.replace(/:/g, '%3A')}#${generation}`;
}
