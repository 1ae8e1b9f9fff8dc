import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingHeaders, type SignatureCheck, type WebhookSignatureVerifier } from './webhook-signature-verifier';

const SECRET_PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
// Standard alphabet only, like the reference libraries; padding optional (the JS reference accepts unpadded).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Plain unix seconds. Stricter than the JS reference's parseInt, which accepts "123abc".
const UNIX_SECONDS = /^[0-9]{1,15}$/;

export interface StandardWebhooksVerifierOptions {
  /** Allowed clock skew either way; the spec recommends 5 minutes. */
  toleranceSeconds?: number;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

type HeaderRead = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Verifies Standard Webhooks (https://www.standardwebhooks.com) HMAC-SHA256 `v1` signatures
 * against one or more secrets, so a secret can be rotated without dropping deliveries.
 */
export class StandardWebhooksVerifier implements WebhookSignatureVerifier {
  private readonly keys: readonly Buffer[];
  private readonly toleranceMs: number;
  private readonly toleranceText: string;
  private readonly now: () => number;

  constructor(secrets: readonly string[], options: StandardWebhooksVerifierOptions = {}) {
    if (secrets.length === 0) {
      throw new Error('StandardWebhooksVerifier needs at least one secret; use AcceptUnsignedVerifier to skip verification');
    }
    // Decoded once: a bad secret should fail at startup, not on the first delivery.
    this.keys = secrets.map(decodeSecret);
    const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (!Number.isFinite(tolerance) || tolerance < 0) {
      throw new Error('toleranceSeconds must be a non-negative number');
    }
    this.toleranceMs = tolerance * 1000;
    this.toleranceText = tolerance % 60 === 0 ? `${tolerance / 60} minute` : `${tolerance} second`;
    this.now = options.now ?? Date.now;
  }

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    // A missing raw body is a wiring bug (e.g. Nest started without `rawBody: true`), not a bad request.
    if (!Buffer.isBuffer(rawBody)) {
      throw new TypeError('StandardWebhooksVerifier.verify needs the raw request body as a Buffer');
    }
    const id = readSingle(headers, 'webhook-id');
    if (!id.ok) return id;
    const timestamp = readSingle(headers, 'webhook-timestamp');
    if (!timestamp.ok) return timestamp;
    const signatures = readSignatures(headers);
    if (signatures.length === 0) return { ok: false, reason: 'missing webhook-signature header' };

    if (!UNIX_SECONDS.test(timestamp.value)) {
      return { ok: false, reason: 'webhook-timestamp header is not a unix timestamp in seconds' };
    }
    // Checked before the HMAC so replays of old (or pre-dated) deliveries are cheap to refuse.
    if (Math.abs(this.now() - Number(timestamp.value) * 1000) > this.toleranceMs) {
      return { ok: false, reason: `timestamp outside the ${this.toleranceText} tolerance` };
    }

    const expected = this.keys.map((key) => expectedSignature(key, id.value, timestamp.value, rawBody));
    let sawV1 = false;
    for (const entry of signatures) {
      // Take the second comma part, as the reference libraries do; this also tolerates the
      // trailing comma left when Node joins repeated headers with ", ".
      const [version, signature] = entry.split(',');
      if (version !== 'v1' || signature === undefined) continue; // other schemes (v1a, v2...) are not ours
      sawV1 = true;
      // Compare the base64 text, not decoded bytes: malformed base64 simply fails to match.
      const given = Buffer.from(signature, 'utf8');
      if (expected.some((want) => want.length === given.length && timingSafeEqual(want, given))) {
        return { ok: true, webhookId: id.value };
      }
    }
    return { ok: false, reason: sawV1 ? 'no signature matches' : 'no v1 signature in webhook-signature header' };
  }
}

function decodeSecret(secret: string, index: number): Buffer {
  const trimmed = secret.trim();
  const body = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
  // Never echo the secret itself: this message reaches startup logs.
  const label = `webhook secret #${index + 1}`;
  if (body === '') throw new Error(`${label} is empty (expected ${SECRET_PREFIX}<base64>)`);
  const unpadded = body.replace(/=+$/, '');
  const badPadding = body !== unpadded && body.length % 4 !== 0;
  if (!BASE64.test(body) || unpadded.length % 4 === 1 || badPadding) {
    throw new Error(`${label} is not valid base64 (expected ${SECRET_PREFIX}<base64>)`);
  }
  return Buffer.from(body, 'base64');
}

function expectedSignature(key: Buffer, id: string, timestamp: string, rawBody: Buffer): Buffer {
  const digest = createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(rawBody).digest('base64');
  return Buffer.from(digest, 'utf8');
}

/** One value only: with two ids or timestamps it is unclear which one the sender signed. */
function readSingle(headers: IncomingHeaders, name: 'webhook-id' | 'webhook-timestamp'): HeaderRead {
  const values = asList(headers[name]).filter((v) => v !== '');
  if (values.length === 0) return { ok: false, reason: `missing ${name} header` };
  if (values.length > 1) return { ok: false, reason: `more than one ${name} header` };
  return { ok: true, value: values[0] };
}

/** Signature entries may be spread over repeated headers; every entry is a candidate. */
function readSignatures(headers: IncomingHeaders): string[] {
  return asList(headers['webhook-signature'])
    .flatMap((v) => v.split(' '))
    .filter((entry) => entry !== '');
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
