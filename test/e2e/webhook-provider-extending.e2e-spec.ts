import { createHmac } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  EventFields,
  IncomingHeaders,
  ProviderMapping,
  SignatureCheck,
  WebhookProvider,
  isoMinorUnitsToDecimal,
  matchesHexHmac,
  singleHeader,
} from '@app/webhooks';
import { TestApp, expectProblem, getTransaction, isolatedEnv, postingsFor, startTestApp, uniqueId, waitFor } from '../support/test-app';

// docs/extending.md: a team adds its own payment provider as one class, registered through
// WebhooksModule.forRoot({ providers }), with no change to controllers, the batcher or the worker.

const ACME_SECRET = 'acme-signing-secret';
const API_KEY = 'k_extending_0123456789abcdef';

/** Stands in for the team's own configuration module. */
@Injectable()
class AcmeSettings {
  readonly secrets = [ACME_SECRET];
}

@Module({ providers: [AcmeSettings], exports: [AcmeSettings] })
class AcmeSettingsModule {}

/** The provider under test, in the shape a team writes it. */
@Injectable()
class AcmeProvider implements WebhookProvider {
  readonly name = 'acme';
  readonly enabled = true;

  constructor(private readonly settings: AcmeSettings) {}

  verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
    const signature = singleHeader(headers, 'x-acme-signature');
    if (signature === undefined) return { ok: false, reason: 'missing X-Acme-Signature header' };
    return matchesHexHmac('sha256', this.settings.secrets, [rawBody], signature)
      ? { ok: true }
      : { ok: false, reason: 'no signature matches' };
  }

  map(event: Record<string, unknown>): ProviderMapping {
    const fields = new EventFields(event);
    const kind = fields.string('kind');
    fields.check();
    if (kind !== 'payment.settled') return { kind: 'ignored', event: kind };
    const id = fields.id('payment.id');
    const currency = fields.string('payment.currency');
    const minor = fields.minorUnits('payment.cents');
    const payer = fields.id('payment.payer');
    fields.check();
    return {
      kind: 'payment',
      payment: {
        transactionId: `acme:${id}`,
        sourceAccount: `acme:payer:${payer}`,
        destinationAccount: 'acme:merchant',
        amount: isoMinorUnitsToDecimal(minor, currency),
        currency,
        fields: { transaction_id: 'payment.id', amount: 'payment.cents', currency: 'payment.currency', source_account: 'payment.payer' },
      },
    };
  }
}

/** A second provider built by a factory from configuration, not a class per variant. */
function toyProvider(config: AppConfig): WebhookProvider {
  return {
    name: 'toy',
    enabled: config.role !== 'worker',
    verify: (_raw, headers) => (headers['x-toy-token'] === 'let-me-in' ? { ok: true } : { ok: false, reason: 'bad token' }),
    map: (event) => ({ kind: 'ignored', event: String(event.type) }),
  };
}

describe('extending: a webhook provider registered through WebhooksModule.forRoot', () => {
  let t: TestApp;

  const acmeEvent = (id: string, cents: number) =>
    JSON.stringify({ kind: 'payment.settled', payment: { id, cents, currency: 'INR', payer: `p_${id}` } });
  const sign = (body: string) => createHmac('sha256', ACME_SECRET).update(body).digest('hex');
  const post = (path: string, body: string, headers: Record<string, string>) => {
    const req = t.http().post(path).set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };

  beforeAll(async () => {
    t = await startTestApp(
      { APP_ROLE: 'all', ...(await isolatedEnv()), PROCESSING_DELAY_MS: '100', API_KEYS: API_KEY },
      { webhooks: { providers: [AcmeProvider, { useFactory: toyProvider, inject: [AppConfig] }], imports: [AcmeSettingsModule] } },
    );
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  it("records the team's provider's payment through the same intake and posts it", async () => {
    const id = uniqueId('acme');
    const body = acmeEvent(id, 2550);
    const res = await post('/v1/webhooks/acme', body, { 'x-acme-signature': sign(body) }).expect(202);
    expect(res.body).toMatchObject({ transaction_id: `acme:${id}`, amount: 25.5, currency: 'INR', source_account: `acme:payer:p_${id}` });
    await post('/v1/webhooks/acme', body, { 'x-acme-signature': sign(body) })
      .expect(202)
      .expect('Idempotent-Replayed', 'true');

    const read = (path: string) => t.http().get(path).set('Authorization', `Bearer ${API_KEY}`);
    await waitFor(
      () => read(`/v1/transactions/${encodeURIComponent(`acme:${id}`)}`),
      (r) => r.body.status === 'PROCESSED',
    );
    expect((await postingsFor(t.app, `acme:${id}`)).map((leg) => leg.amount)).toEqual(['25.50', '-25.50']);
  });

  it("leaves the provider's route open to the sender (its signature is its proof) while reads need a key", async () => {
    const body = acmeEvent(uniqueId('acme'), 100);
    expectProblem(await post('/v1/webhooks/acme', body, {}), 401);
    expect((await post('/v1/webhooks/acme', body, { 'x-acme-signature': sign(body).replace(/^./, '0') })).status).toBe(401);
    await getTransaction(t, 'acme:x').expect(401);
  });

  it('answers 400 naming the provider field, and 200 "ignored" for other events', async () => {
    const bad = JSON.stringify({ kind: 'payment.settled', payment: { id: uniqueId('acme'), cents: 1.5, currency: 'INR', payer: 'p' } });
    expect(expectProblem(await post('/v1/webhooks/acme', bad, { 'x-acme-signature': sign(bad) }), 400).errors).toEqual([
      { field: 'payment.cents', message: expect.any(String) },
    ]);
    const other = JSON.stringify({ kind: 'payout.sent' });
    await post('/v1/webhooks/acme', other, { 'x-acme-signature': sign(other) }).expect(200, { status: 'ignored', event: 'payout.sent' });
  });

  it('serves a provider supplied by a factory', async () => {
    await post('/v1/webhooks/toy', '{"type":"ping"}', { 'x-toy-token': 'let-me-in' }).expect(200, { status: 'ignored', event: 'ping' });
    expectProblem(await post('/v1/webhooks/toy', '{"type":"ping"}', {}), 401);
  });

  it('keeps the native route native', async () => {
    const id = uniqueId('txn');
    const body = JSON.stringify({ transaction_id: id, source_account: 'a1', destination_account: 'b1', amount: 5, currency: 'INR' });
    await post('/v1/webhooks/transactions', body, {}).expect(202);
  });
});

describe('extending: the worker role serves no webhook route', () => {
  it('answers 404 on a provider route on a worker', async () => {
    const worker = await startTestApp(
      { APP_ROLE: 'worker', ...(await isolatedEnv()), STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdefABCDEF' },
      { webhooks: { providers: [AcmeProvider] } },
    );
    try {
      await worker.http().post('/v1/webhooks/stripe').set('Content-Type', 'application/json').send('{}').expect(404);
      await worker.http().post('/v1/webhooks/acme').set('Content-Type', 'application/json').send('{}').expect(404);
    } finally {
      await worker.close();
    }
  });
});
