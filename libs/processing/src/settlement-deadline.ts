/** The settlement call outlived SETTLEMENT_TIMEOUT_MS: a failed attempt like any other. */
export class SettlementTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`settlement call timed out after ${timeoutMs} ms`);
    this.name = 'SettlementTimeoutError';
  }
}

/**
 * Runs `call` with an AbortSignal that fires after `timeoutMs`, and rejects with a
 * SettlementTimeoutError at that moment whether or not the call honours the signal: a gateway
 * that ignores it cannot hold the job. The abandoned call's later result is ignored.
 */
export async function withSettlementDeadline<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new SettlementTimeoutError(timeoutMs);
      reject(error); // first, so the race settles with it even if the call rejects as it aborts
      controller.abort(error);
    }, timeoutMs);
  });
  const work = (async () => call(controller.signal))();
  work.catch(() => undefined); // an abandoned call may still reject later: not an unhandled rejection
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    // A gateway that honours the signal rejects with its own AbortError: report the deadline.
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}
