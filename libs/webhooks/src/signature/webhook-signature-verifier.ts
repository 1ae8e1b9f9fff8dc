/** DI token so the intake controller/guard can be given a real or a no-op verifier. */
export const WEBHOOK_SIGNATURE_VERIFIER = Symbol('WEBHOOK_SIGNATURE_VERIFIER');

/** Node's IncomingHttpHeaders shape: names are lower-cased, repeated headers may arrive as arrays. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/**
 * Outcome of a check. `reason` ends up in a 401 problem document, so it must stay a short,
 * safe sentence: never the secret, the expected signature or anything derived from them.
 */
export type SignatureCheck = { ok: true; webhookId?: string } | { ok: false; reason: string };

export interface WebhookSignatureVerifier {
  /** `rawBody` must be the exact bytes received: signatures are over bytes, not re-serialised JSON. */
  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck;
}
