import { type TestApp, startTestApp, testQueuePrefix } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';

const DASHBOARD = 'https://dash.example.com';
const OPS = 'http://localhost:5173';
const STRANGER = 'https://evil.example.net';
const KEY = 'key_cors_0123456789abcdef';

const corsHeaders = (headers: Record<string, string>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('CORS', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  }, 60_000);

  describe('closed by default', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ APP_ROLE: 'api', DATABASE_URL: databaseUrl, QUEUE_PREFIX: testQueuePrefix() });
    }, 60_000);

    afterAll(() => t?.close());

    it('sends no Access-Control-* header on a read, even to an origin a deployment might allow', async () => {
      const res = await t.http().get('/v1/accounts/acc_1/balance').set('Origin', DASHBOARD).expect(200);
      expect(corsHeaders(res.headers)).toEqual([]);
    });

    it('answers no preflight', async () => {
      const res = await t.http().options('/v1/transactions/txn_1').set('Origin', DASHBOARD).set('Access-Control-Request-Method', 'GET');
      expect(res.status).not.toBe(204);
      expect(corsHeaders(res.headers)).toEqual([]);
    });
  });

  describe('with CORS_ORIGINS', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({
        APP_ROLE: 'api',
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: testQueuePrefix(),
        CORS_ORIGINS: `${DASHBOARD},${OPS}`,
        API_KEYS: KEY,
      });
    }, 60_000);

    afterAll(() => t?.close());

    const preflight = (path: string, origin: string, method = 'GET') =>
      t
        .http()
        .options(path)
        .set('Origin', origin)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization');

    it.each(['/v1/transactions', '/v1/transactions/txn_1', '/v1/accounts/acc_1/balance'])(
      'answers a preflight for GET %s from an allowed origin, without needing a key',
      async (path) => {
        const res = await preflight(path, DASHBOARD).expect(204);
        expect(res.headers['access-control-allow-origin']).toBe(DASHBOARD);
        expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
        expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
        // A resuming event stream sends Last-Event-ID.
        expect(res.headers['access-control-allow-headers']).toMatch(/Last-Event-ID/);
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['vary']).toMatch(/Origin/);
      },
    );

    it('lets an allowed origin read, exposing X-Request-Id', async () => {
      const res = await t.http().get('/v1/accounts/acc_1/balance').set('Origin', OPS).set('Authorization', `Bearer ${KEY}`).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(OPS);
      expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
      expect(res.headers['vary']).toMatch(/Origin/);
    });

    it('still requires the key, and lets the dashboard read the 401', async () => {
      const res = await t.http().get('/v1/transactions/txn_1').set('Origin', DASHBOARD).expect(401);
      expect(res.headers['access-control-allow-origin']).toBe(DASHBOARD);
    });

    it('gives an origin that is not listed nothing', async () => {
      const read = await t
        .http()
        .get('/v1/accounts/acc_1/balance')
        .set('Origin', STRANGER)
        .set('Authorization', `Bearer ${KEY}`)
        .expect(200);
      expect(corsHeaders(read.headers)).toEqual([]);
      const pre = await preflight('/v1/accounts/acc_1/balance', STRANGER);
      expect(pre.status).not.toBe(204);
      expect(corsHeaders(pre.headers)).toEqual([]);
    });

    it.each([
      ['a look-alike with a suffix', `${DASHBOARD}.evil.net`],
      ['the same host over http', DASHBOARD.replace('https', 'http')],
      ['another port', `${DASHBOARD}:8443`],
      ['the null origin', 'null'],
    ])('treats %s as not listed', async (_name, origin) => {
      const res = await t.http().get('/v1/accounts/acc_1/balance').set('Origin', origin).set('Authorization', `Bearer ${KEY}`);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it.each([
      ['POST', '/v1/transactions/txn_1/retry'],
      ['POST', '/v1/transactions/retry'],
      ['POST', '/v1/webhooks/transactions'],
      ['GET', '/docs'],
      ['GET', '/admin/queues'],
      ['GET', '/metrics'],
      ['GET', '/health/ready'],
    ])('keeps %s %s closed to browsers, even for an allowed origin', async (method, path) => {
      const pre = await preflight(path, DASHBOARD, method);
      expect(pre.status).not.toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const auth = { Authorization: `Bearer ${KEY}`, Origin: DASHBOARD };
      const res = method === 'POST' ? await t.http().post(path).set(auth) : await t.http().get(path).set(auth);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
