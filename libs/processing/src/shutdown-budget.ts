/**
 * How long a stopping worker waits (docs/guarantees.md). Every call in hand ends by its own
 * deadline (SETTLEMENT_TIMEOUT_MS after it started, so at most that long after SIGTERM); then:
 */
/** time for the commit that ends the job (status and ledger legs, or the failed attempt); */
export const SHUTDOWN_COMMIT_MARGIN_MS = 3000;
/** then time for Redis to record the end of the jobs whose work is done; */
export const SHUTDOWN_REPORT_PATIENCE_MS = 5000;
/**
 * and the process exits 0 at SETTLEMENT_TIMEOUT_MS + this after SIGTERM whatever is still
 * pending (an API process: this alone). A job whose end Redis did not record comes back through
 * stall detection. Leaves 2 s after the two margins above for closing connections.
 */
export const SHUTDOWN_MARGIN_MS = 10_000;
