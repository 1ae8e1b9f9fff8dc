/** Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt; capped at one hour. */
export function backoffDelayMs(baseMs: number, failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(baseMs * 2 ** Math.min(exponent, 30), 3_600_000);
}
