const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Whether a WEBHOOK_SECRET entry is `whsec_<base64>` (or bare base64) as the Standard Webhooks
 * verifier decodes it: standard alphabet, padding optional but only where it can occur. Kept
 * equal to the verifier's rule (test/unit/webhook-secret-config.spec.ts) so a secret that would
 * fail when the verifier is built fails here first, naming the variable.
 */
export function isStandardWebhooksSecret(entry: string): boolean {
  const trimmed = entry.trim();
  const body = trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length) : trimmed;
  const unpadded = body.replace(/=+$/, '');
  const badPadding = body !== unpadded && body.length % 4 !== 0;
  return BASE64.test(body) && unpadded.length % 4 !== 1 && !badPadding;
}
