/** DI token: the shared per-client counter behind RATE_LIMIT_PER_MINUTE (replaceable, e.g. in tests). */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request of `client` and says whether it may proceed. Never rejects. */
  hit(client: string): Promise<RateLimitDecision>;
}

/** When RATE_LIMIT_PER_MINUTE is 0, and for the worker role, which serves no limited route. */
export class UnlimitedRateLimiter implements RateLimiter {
  hit(): Promise<RateLimitDecision> {
    return Promise.resolve({ allowed: true, remaining: Number.POSITIVE_INFINITY });
  }
}
