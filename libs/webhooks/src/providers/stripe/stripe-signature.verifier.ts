import { type IncomingHeaders, type SignatureCheck, type WebhookSignatureVerifier } from '../../signature';
import { matchesHexHmac, singleHeader } from '../hex-hmac';

/** Stripe's default tolerance (its SDKs' DEFAULT_TOLERANCE). */
export const STRIPE_TOLERANCE_SECONDS = 300;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/**
 * `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`: HMAC-SHA256 of `<t>.<raw body>`, keyed with
 * the endpoint secret string exactly as Stripe gives it (`whsec_…` included, not decoded), which
 * is what Stripe's own SDKs do. Any v1 may match any configured secret (rotation on either side).
 */
export class StripeSignatureVerifier implements WebhookSignatureVerifier {
  constructor(
    private readonly secrets: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (secrets.length === 0) throw new Error('StripeSignatureVerifier needs at least one secret');
  }

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    const header = singleHeader(headers, 'stripe-signature');
    if (header === undefined) return { ok: false, reason: 'missing Stripe-Signature header' };
    const timestamps: string[] = [];
    const signatures: string[] = [];
    for (const item of header.split(',')) {
      const at = item.indexOf('=');
      if (at < 0) continue;
      const key = item.slice(0, at).trim();
      const value = item.slice(at + 1).trim();
      if (key === 't') timestamps.push(value);
      else if (key === 'v1') signatures.push(value);
    }
    if (timestamps.length !== 1 || !UNIX_SECONDS.test(timestamps[0])) {
      return { ok: false, reason: 'Stripe-Signature header has no single t=<unix seconds>' };
    }
    if (signatures.length === 0) return { ok: false, reason: 'no v1 signature in Stripe-Signature header' };
    const t = timestamps[0];
    if (Math.abs(this.now() / 1000 - Number(t)) > STRIPE_TOLERANCE_SECONDS) {
      return { ok: false, reason: `timestamp outside the ${STRIPE_TOLERANCE_SECONDS} second tolerance` };
    }
    const signed = [`${t}.`, rawBody];
    const matched = signatures.some((signature) => matchesHexHmac('sha256', this.secrets, signed, signature));
    return matched ? { ok: true } : { ok: false, reason: 'no signature matches' };
  }
}
