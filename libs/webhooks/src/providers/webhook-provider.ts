import type { IncomingHeaders, SignatureCheck } from '../signature';

/**
 * A payment provider's webhooks: how to check a delivery is genuine, and what it means for the
 * ledger. Registered through WebhooksModule.forRoot({ providers }); served at
 * POST /v1/webhooks/<name> by the one provider controller, with the native route's pipeline.
 */
export interface WebhookProvider {
  /** The route segment: lower-case letters, digits and hyphens (e.g. `stripe`). */
  readonly name: string;
  /** False while unconfigured (no secret): the route then answers 404, as an unknown one. */
  readonly enabled: boolean;
  /** Status of a recorded delivery: 202 as the native route, unless the provider only takes 200 as success. */
  readonly acceptedStatus?: 200 | 202;
  /** Over the exact bytes received; `reason` reaches the 401 problem, so never a secret or digest. */
  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck;
  /** The parsed JSON body (an object) → what to record. Throws a 400 problem naming the provider field. */
  map(event: Record<string, unknown>): ProviderMapping;
}

/** Where each field of the native transaction came from, so a 400 names the provider's field. */
export interface MappedFieldSources {
  transaction_id: string;
  amount: string;
  currency: string;
  source_account?: string;
  destination_account?: string;
}

/** A payment, in the native body's terms; `amount` is a JSON number literal, exact (never a float). */
export interface MappedPayment {
  transactionId: string;
  sourceAccount: string;
  destinationAccount: string;
  amount: string;
  currency: string;
  fields: MappedFieldSources;
  /** Another name a later refund may use for this payment (Paystack refunds name the payment's reference). */
  reference?: string;
}

/** The payment a refund reverses: by its recorded transaction id, or by a reference its payment declared. */
export type RefundedPayment = { transactionId: string } | { reference: string };

/** A refund of (part of) a recorded payment: it flows back from the payment's destination to its source. */
export interface MappedRefund {
  transactionId: string;
  payment: RefundedPayment;
  amount: string;
  currency: string;
  fields: MappedFieldSources & { payment: string };
}

export type ProviderMapping =
  { kind: 'payment'; payment: MappedPayment } | { kind: 'refund'; refund: MappedRefund } | { kind: 'ignored'; event: string };

/** Multi-provider token: every registered WebhookProvider instance, built-in and a team's own. */
export const WEBHOOK_PROVIDERS = Symbol('WEBHOOK_PROVIDERS');

/** Provider names become a path segment and a metrics label: keep them short and tame. */
export const PROVIDER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
