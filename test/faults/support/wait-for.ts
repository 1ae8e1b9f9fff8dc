import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `accept` holds. Timeouts are generous safety nets for a noisy 2-core machine,
 * never assertions about speed.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : `; last value: ${JSON.stringify(last)?.slice(0, 500)}`;
      throw new Error(`waited ${timeoutMs} ms for ${what}${detail}`);
    }
    await sleep(everyMs);
  }
}
