import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Whether `given` (hex text from a header) equals the HMAC of `parts` under any of `keys`.
 * Compared as bytes of equal length in constant time; malformed hex simply never matches.
 */
export function matchesHexHmac(
  algorithm: 'sha256' | 'sha512',
  keys: readonly string[],
  parts: ReadonlyArray<string | Buffer>,
  given: string,
): boolean {
  if (!HEX.test(given) || given.length % 2 !== 0) return false;
  const givenBytes = Buffer.from(given, 'hex');
  let matched = false;
  for (const key of keys) {
    const hmac = createHmac(algorithm, key);
    for (const part of parts) hmac.update(part);
    const expected = hmac.digest();
    // Every key is tried (no early exit), so timing does not reveal which one matched.
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) matched = true;
  }
  return matched;
}

/** One header value: repeated headers are ambiguous for a signature and rejected as missing. */
export function singleHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.length === 1 ? value[0].trim() : undefined;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
