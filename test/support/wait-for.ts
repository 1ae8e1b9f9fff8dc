import { setTimeout as sleep } from 'node:timers/promises';

/** How long a wait gives up after when the caller names no deadline. */
export const WAIT_TIMEOUT_MS = 60_000;
export const WAIT_EVERY_MS = 200;
/** The short form (no description) is the in-process e2e suite's: faster polls, a tighter default. */
const SHORT_FORM = { timeoutMs: 20_000, everyMs: 100 };

type Probe<T> = () => Promise<T>;

/**
 * Polls `probe` until `accept` holds, and fails with what was awaited and the last value (or the
 * last error a probe threw) once the deadline passes. Deadlines are generous safety nets for a
 * noisy 2-core machine, never assertions about speed.
 */
export function waitFor<T>(what: string, probe: Probe<T>, accept: (value: T) => boolean, timeoutMs?: number, everyMs?: number): Promise<T>;
export function waitFor<T>(probe: Probe<T>, accept: (value: T) => boolean, timeoutMs?: number): Promise<T>;
export function waitFor<T>(...args: unknown[]): Promise<T> {
  if (typeof args[0] === 'string') {
    const [what, probe, accept, timeoutMs, everyMs] = args as [string, Probe<T>, (value: T) => boolean, number?, number?];
    return poll(what, probe, accept, timeoutMs ?? WAIT_TIMEOUT_MS, everyMs ?? WAIT_EVERY_MS);
  }
  const [probe, accept, timeoutMs] = args as [Probe<T>, (value: T) => boolean, number?];
  return poll('a condition', probe, accept, timeoutMs ?? SHORT_FORM.timeoutMs, SHORT_FORM.everyMs);
}

async function poll<T>(what: string, probe: Probe<T>, accept: (value: T) => boolean, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail =
        lastError instanceof Error ? `; last error: ${lastError.message}` : `; last value: ${JSON.stringify(last)?.slice(0, 500)}`;
      throw new Error(`waited ${timeoutMs} ms for ${what}${detail}`);
    }
    await sleep(everyMs);
  }
}
