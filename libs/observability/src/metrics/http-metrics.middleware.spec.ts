import { webhookOutcomeFor, webhookProviderOf } from './http-metrics.middleware';

describe('webhookOutcomeFor', () => {
  it.each([
    [202, false, 'accepted'],
    [202, true, 'duplicate'],
    [409, false, 'conflict'],
    [401, false, 'unauthorized'],
    [400, false, 'rejected'],
    [413, false, 'rejected'],
    [415, false, 'rejected'],
    [429, false, 'rejected'],
    [200, false, 'accepted'],
    [200, true, 'duplicate'],
  ])('names a %i answer (replayed: %s) %s', (status, replayed, outcome) => {
    expect(webhookOutcomeFor(status, replayed)).toBe(outcome);
  });

  it('names an answered but unmapped provider event "ignored"', () => {
    expect(webhookOutcomeFor(200, false, true)).toBe('ignored');
  });

  it('does not count server errors as deliveries received', () => {
    expect(webhookOutcomeFor(503, false)).toBeUndefined();
    expect(webhookOutcomeFor(500, false)).toBeUndefined();
  });
});

describe('webhookProviderOf', () => {
  const enabled = ['stripe', 'acme'];

  it.each([
    ['/v1/webhooks/transactions', 'native'],
    ['/V1/Webhooks/Transactions/', 'native'],
    ['/v1/webhooks/stripe', 'stripe'],
    ['/v1/webhooks/Stripe/', 'stripe'],
    ['/v1/webhooks/acme', 'acme'],
  ])('labels POST %s as %s', (path, provider) => {
    expect(webhookProviderOf('POST', path, enabled)).toBe(provider);
  });

  it.each(['/v1/webhooks/razorpay', '/v1/webhooks/whatever-anyone-sends', '/v1/webhooks/stripe/x', '/v1/transactions'])(
    'gives %s no label: disabled and unknown names never become label values',
    (path) => {
      expect(webhookProviderOf('POST', path, enabled)).toBeUndefined();
    },
  );

  it('labels only POSTs', () => {
    expect(webhookProviderOf('GET', '/v1/webhooks/stripe', enabled)).toBeUndefined();
  });
});
