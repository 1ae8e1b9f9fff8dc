import { type IncomingHeaders, type SignatureCheck, type WebhookSignatureVerifier } from './webhook-signature-verifier';

/**
 * Accepts every request. Only for local use when WEBHOOK_SECRET is unset; the webhook-id is
 * still passed through (when unambiguous) so idempotent intake behaves the same as in production.
 */
export class AcceptUnsignedVerifier implements WebhookSignatureVerifier {
  verify(_rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    const id = headers['webhook-id'];
    return typeof id === 'string' && id !== '' ? { ok: true, webhookId: id } : { ok: true };
  }
}
