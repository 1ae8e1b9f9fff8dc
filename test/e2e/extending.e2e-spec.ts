import { Injectable, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SETTLEMENT_GATEWAY, SettlementGateway, SettlementRequest } from '@app/processing';
import { TestApp, isolatedEnv, startTestApp, uniqueId, waitFor } from '../support/test-app';

// docs/extending.md: a team replaces the simulated external call with its own provider,
// registered through DI on the worker, and the provider's client comes from its own module.
// Both roles run as in production: the API takes the webhook, a separate worker settles it.

/** Stands in for a provider's HTTP client: records what it was asked, declines on demand. */
@Injectable()
class AcmeClient {
  readonly received: SettlementRequest[] = [];
  readonly declined = new Set<string>();

  async createSettlement(request: SettlementRequest): Promise<{ accepted: boolean }> {
    this.received.push(request);
    return { accepted: !this.declined.has(request.transactionId) };
  }
}

@Module({ providers: [AcmeClient], exports: [AcmeClient] })
class AcmeClientModule {}

/** The replacement under test: the shape a team writes, as in docs/extending.md. */
@Injectable()
class AcmeSettlementGateway implements SettlementGateway {
  constructor(private readonly acme: AcmeClient) {}

  async settle(request: SettlementRequest): Promise<void> {
    const { accepted } = await this.acme.createSettlement(request);
    // Throwing means "try again later": the worker counts the attempt and backs off.
    if (!accepted) throw new Error(`acme declined ${request.transactionId}`);
  }
}

describe('extending: a settlement gateway registered through DI', () => {
  let api: TestApp;
  let worker: TestApp;
  let acme: AcmeClient;

  const webhook = (id: string) => ({
    transaction_id: id,
    source_account: `src_${id}`,
    destination_account: `dst_${id}`,
    amount: 25.5,
    currency: 'INR',
  });
  const statusOf = (id: string, status: string) =>
    waitFor(
      () => api.http().get(`/v1/transactions/${id}`),
      (res) => res.body.status === status,
    );

  beforeAll(async () => {
    const env = { ...(await isolatedEnv()) };
    api = await startTestApp({ ...env, APP_ROLE: 'api' });
    // An hour-long simulated call: anything settled within the test went through the replacement.
    worker = await startTestApp(
      { ...env, APP_ROLE: 'worker', PROCESSING_DELAY_MS: '3600000', PROCESSING_MAX_ATTEMPTS: '2', PROCESSING_BACKOFF_MS: '100' },
      { processing: { settlementGateway: AcmeSettlementGateway, imports: [AcmeClientModule] } },
    );
    acme = worker.app.get(AcmeClient, { strict: false });
  });

  afterAll(async () => {
    await worker?.queue.obliterate({ force: true });
    await api?.close();
    await worker?.close();
  });

  it('injects the registered class, with its own dependencies, where the simulated gateway was', () => {
    const gateway = worker.app.get(SETTLEMENT_GATEWAY, { strict: false });
    expect(gateway).toBeInstanceOf(AcmeSettlementGateway);
  });

  it('settles a webhook through the replacement and posts it to the ledger', async () => {
    const id = uniqueId('txn_ext');
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    const settled = await statusOf(id, 'PROCESSED');
    expect(settled.body.attempts).toBe(1);
    expect(acme.received.filter((r) => r.transactionId === id)).toEqual([
      expect.objectContaining({
        transactionId: id,
        sourceAccount: `src_${id}`,
        destinationAccount: `dst_${id}`,
        amount: '25.50',
        currency: 'INR',
        attempt: 1,
      }),
    ]);
    const balance = await api.http().get(`/v1/accounts/dst_${id}/balance`).expect(200);
    expect(balance.body.balances).toEqual({ INR: '25.50' });
  });

  it('treats an error thrown by the replacement as a failed attempt, retried until FAILED', async () => {
    const id = uniqueId('txn_ext_declined');
    acme.declined.add(id);
    await api.http().post('/v1/webhooks/transactions').send(webhook(id)).expect(202);

    const failed = await statusOf(id, 'FAILED');
    expect(failed.body).toMatchObject({ attempts: 2, last_error: `acme declined ${id}` });
    expect(acme.received.filter((r) => r.transactionId === id).map((r) => r.attempt)).toEqual([1, 2]);
    const balance = await api.http().get(`/v1/accounts/dst_${id}/balance`).expect(200);
    expect(balance.body.balances).toEqual({});
  });
});

/** A gateway built from configuration by a factory: no class of its own per variant. */
function gatewayFor(region: string, acme: AcmeClient): SettlementGateway {
  return {
    settle: async (request) => {
      const { accepted } = await acme.createSettlement({ ...request, transactionId: `${region}/${request.transactionId}` });
      if (!accepted) throw new Error(`acme ${region} declined ${request.transactionId}`);
    },
  };
}

describe('extending: a settlement gateway supplied by a factory', () => {
  let api: TestApp;
  let worker: TestApp;
  let acme: AcmeClient;

  beforeAll(async () => {
    const env = { ...(await isolatedEnv()) };
    api = await startTestApp({ ...env, APP_ROLE: 'api' });
    worker = await startTestApp(
      { ...env, APP_ROLE: 'worker', PROCESSING_DELAY_MS: '3600000' },
      {
        processing: {
          settlementGateway: {
            inject: [AppConfig, AcmeClient],
            useFactory: (config: AppConfig, client: AcmeClient) => gatewayFor(config.queuePrefix, client),
          },
          imports: [AcmeClientModule],
        },
      },
    );
    acme = worker.app.get(AcmeClient, { strict: false });
  });

  afterAll(async () => {
    await worker?.queue.obliterate({ force: true });
    await api?.close();
    await worker?.close();
  });

  it('settles through the gateway the factory built from its injected configuration and client', async () => {
    const id = uniqueId('txn_factory');
    await api
      .http()
      .post('/v1/webhooks/transactions')
      .send({ transaction_id: id, source_account: 'src_f', destination_account: 'dst_f', amount: 7, currency: 'INR' })
      .expect(202);

    await waitFor(
      () => api.http().get(`/v1/transactions/${id}`),
      (res) => res.body.status === 'PROCESSED',
    );
    const prefix = worker.app.get(AppConfig, { strict: false }).queuePrefix;
    expect(acme.received.map((r) => r.transactionId)).toEqual([`${prefix}/${id}`]);
  });
});
