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
 * that ignores it cannot hold the job. If the abandoned call succeeds after all, `onLateSuccess`
 * hears of it (a provider that settled must not stay unrecorded); its later failure is ignored.
 */
export async function withSettlementDeadline<T>(
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
  onLateSuccess?: (value: T) => void,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new SettlementTimeoutError(timeoutMs);
      reject(error); // first, so the race settles with it even if the call rejects as it aborts
      controller.abort(error);
    }, timeoutMs);
  });
  const work = (async () => call(controller.signal))();
  work.then(
    (value) => timedOut && onLateSuccess?.(value),
    () => undefined, // an abandoned call may still reject later: not an unhandled rejection
  );
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    // A gateway that honours the signal rejects with its own AbortError: report the deadline.
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}
