import { isConsolePath, isOpenPath, isOperatorToolPath, isReadPath, normalizePath, rateLimitScope } from './route-rules';

const open = (path: string) => isOpenPath(normalizePath(path));

describe('route rules', () => {
  it.each([
    '/',
    '/health/live',
    '/health/ready',
    '/health/worker',
    '/metrics',
    '/v1/webhooks/transactions',
    '/v1/webhooks/stripe',
    '/V1/Webhooks/Razorpay/',
    '/v1/webhooks/paystack',
    '/v1/webhooks/acme-pay',
  ])('leaves %s open', (path) => {
    expect(open(path)).toBe(true);
  });

  it.each([
    '/v1/transactions',
    '/v1/transactions/txn_1',
    '/v1/transactions/txn_1/retry',
    '/v1/transactions/retry',
    '/v1/accounts/acc_1/balance',
    '/docs',
    '/docs-json',
    '/admin/queues',
    '/admin/queues/api/queues',
    '/console',
    '/console/main.js',
    '/nope',
    '/metricsx',
    '/healthz',
    '/v1/webhooks/stripe/extra',
    '/v1/webhooks/stripe.json',
    '/v1/webhooks/acme_pay',
    `/v1/webhooks/${'a'.repeat(33)}`,
    '/v1/webhooks/%2e%2e',
    '/v1/webhooks',
    '//health/live',
    '/health/../v1/transactions/txn_1',
    '/health/%2e%2e/admin/queues',
    '/health/./x',
  ])('closes %s', (path) => {
    expect(open(path)).toBe(false);
  });

  it('matches as Express routes: case-insensitively and with a trailing slash', () => {
    expect(normalizePath('/V1/Webhooks/Transactions/')).toBe('/v1/webhooks/transactions');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('//')).toBe('/');
    expect(rateLimitScope('POST', normalizePath('/V1/WEBHOOKS/TRANSACTIONS/'))).toBe('webhook');
  });

  it('limits the webhook and the read routes only', () => {
    expect(rateLimitScope('POST', '/v1/webhooks/transactions')).toBe('webhook');
    expect(rateLimitScope('POST', '/v1/webhooks/stripe')).toBe('webhook');
    expect(rateLimitScope('GET', '/v1/webhooks/stripe')).toBeNull();
    expect(rateLimitScope('GET', '/v1/transactions')).toBe('read');
    expect(rateLimitScope('HEAD', '/v1/transactions/txn_1')).toBe('read');
    expect(rateLimitScope('GET', '/v1/accounts/acc_1/balance')).toBe('read');
    expect(rateLimitScope('POST', '/v1/transactions/txn_1/retry')).toBeNull();
    expect(rateLimitScope('GET', '/health/ready')).toBeNull();
    expect(rateLimitScope('GET', '/metrics')).toBeNull();
  });

  it('treats only transactions, accounts, stats and the event stream as read paths', () => {
    expect(isReadPath('/v1/events')).toBe(true);
    expect(isReadPath('/v1/eventsx')).toBe(false);
    expect(rateLimitScope('GET', '/v1/events')).toBe('read');
    expect(isReadPath('/v1/transactions')).toBe(true);
    expect(isReadPath('/v1/accounts/a/balance')).toBe(true);
    expect(isReadPath('/v1/transactionsx')).toBe(false);
    expect(isReadPath('/v1/webhooks/transactions')).toBe(false);
  });

  it("gives the console the operator tools' access (Bearer or Basic) and its own headers, on its paths only", () => {
    for (const path of ['/console', '/Console/', '/console/main.js', '/console/console.css']) {
      expect(isOperatorToolPath(normalizePath(path))).toBe(true);
      expect(isConsolePath(normalizePath(path))).toBe(true);
    }
    for (const path of ['/consoles', '/console.js', '/v1/console', '/docs']) expect(isConsolePath(normalizePath(path))).toBe(false);
    expect(rateLimitScope('GET', '/console')).toBeNull();
  });
});
