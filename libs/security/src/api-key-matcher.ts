import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time API key check. Keys and candidates are compared as SHA-256 digests, so every
 * comparison has the same length and timing reveals neither a key's length nor a matching
 * prefix; every key is compared, so it does not reveal which key matched either.
 */
export class ApiKeyMatcher {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(sha256);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Position of the matching key (a stable, non-secret client identity), or -1. */
  match(candidate: string): number {
    const given = sha256(candidate);
    let found = -1;
    this.digests.forEach((digest, index) => {
      if (timingSafeEqual(digest, given) && found < 0) found = index;
    });
    return found;
  }
}
