import { createHmac } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { ProblemDetailsFilter, jsonBodyParser } from '@app/http';
import { type IncomingHeaders, type SignatureCheck, WEBHOOK_SIGNATURE_VERIFIER, type WebhookSignatureVerifier } from '@app/webhooks';
import { rootModuleFor } from '../../apps/server/src/bootstrap/create-app';
import { BOOT_TIMEOUT_MS, PaycheckProcess } from '../support/processes/paycheck-process';
import { FAST_ENV, type TestApp, startTestApp, testQueuePrefix, uniqueId } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';
import { webhookBody } from '../support/webhooks';

// Two secrets configured, as during a rotation; a third one the service does not know.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NEXT_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const UNKNOWN_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const KEY = 'key_live_3f9a1c7e5b2d4086';
const NEXT_KEY = 'key_next_8e2b6d0f4a1c3957';

function transaction(id: string): string {
  return JSON.stringify(webhookBody({ transaction_id: id, source_account: 'user_acc_1', destination_account: 'merchant_acc_1' }));
}

/** Headers from the standardwebhooks package: an independent signer, not our own code. */
function signedBy(secret: string, body: string, at: Date = new Date(), msgId = uniqueId('msg')): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, at, body),
  };
}

async function storedIds(app: INestApplication): Promise<string[]> {
  const rows: { transaction_id: string }[] = await app.get(DataSource).query('SELECT transaction_id FROM transactions');
  return rows.map((row) => row.transaction_id);
}

describe('security', () => {
  let t: TestApp;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    t = await startTestApp({
      APP_ROLE: 'api',
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: testQueuePrefix(),
      WEBHOOK_SECRET: `${SECRET} ${NEXT_SECRET}`,
      API_KEYS: `${KEY},${NEXT_KEY}`,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  const post = (body: string, headers: Record<string, string>) => t.http().post('/v1/webhooks/transactions').set(headers).send(body);

  describe('signed webhooks', () => {
    it('accepts a webhook signed by the standardwebhooks package', async () => {
      const id = uniqueId('txn_signed');
      const body = transaction(id);
      await post(body, signedBy(SECRET, body)).expect(202);
      expect(await storedIds(t.app)).toContain(id);
    });

    it('accepts a webhook signed with the second configured secret (rotation)', async () => {
      const id = uniqueId('txn_rotated');
      const body = transaction(id);
      await post(body, signedBy(NEXT_SECRET, body)).expect(202);
    });

    it('accepts a header carrying several signatures when one of them is valid', async () => {
      const id = uniqueId('txn_multi');
      const body = transaction(id);
      const headers = signedBy(SECRET, body);
      const stale = signedBy(UNKNOWN_SECRET, body, new Date(), headers['webhook-id'])['webhook-signature'];
      await post(body, { ...headers, 'webhook-signature': `${stale} ${headers['webhook-signature']}` }).expect(202);
    });

    it('verifies the exact bytes received, whitespace and non-ASCII included', async () => {
      const id = uniqueId('txn_bytes');
      const body = `{ "transaction_id" : "${id}",\n  "source_account":"user_acc_1", "destination_account":"merchant_acc_1",\n  "amount": 25.50, "currency":"INR", "note": "Zoë € 支付" }`;
      await post(body, signedBy(SECRET, body)).expect(202);
    });

    const rejections: Array<[string, (body: string) => Record<string, string>]> = [
      ['no signature headers', () => ({ 'content-type': 'application/json' })],
      ['a signature by a secret that is not configured', (body) => signedBy(UNKNOWN_SECRET, body)],
      ['a timestamp 6 minutes old', (body) => signedBy(SECRET, body, new Date(Date.now() - 6 * 60_000))],
      ['a timestamp 6 minutes ahead', (body) => signedBy(SECRET, body, new Date(Date.now() + 6 * 60_000))],
      ['a signature over another body', (body) => signedBy(SECRET, body.replace('2500', '2501'))],
      ['a signature over re-serialised JSON', (body) => signedBy(SECRET, JSON.stringify(JSON.parse(body), null, 1))],
      ['the webhook-id changed after signing', (body) => ({ ...signedBy(SECRET, body), 'webhook-id': 'msg_other' })],
      ['a missing webhook-timestamp', (body) => ({ ...signedBy(SECRET, body), 'webhook-timestamp': '' })],
      [
        'a hex HMAC of the body (another provider scheme)',
        (body) => ({
          ...signedBy(SECRET, body),
          'webhook-signature': `v1,${createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64'))
            .update(body)
            .digest('hex')}`,
        }),
      ],
    ];

    it.each(rejections)('answers 401 and stores nothing for %s', async (_name, headersFor) => {
      const id = uniqueId('txn_rejected');
      const body = transaction(id);
      const res = await post(body, headersFor(body)).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect(JSON.stringify(res.body)).not.toContain(SECRET.slice(6));
      expect(await storedIds(t.app)).not.toContain(id);
    });

    it('checks the signature before the body: an unsigned invalid body gets 401, not 400', async () => {
      await post('{"amount": "nope"}', { 'content-type': 'application/json' }).expect(401);
    });
  });

  describe('API keys', () => {
    const protectedRoutes: Array<[string, string]> = [
      ['GET', '/v1/transactions/txn_1'],
      ['GET', '/v1/transactions?limit=5'],
      ['POST', '/v1/transactions/txn_1/retry'],
      ['POST', '/v1/transactions/retry'],
      ['GET', '/v1/accounts/user_acc_1/balance'],
      ['GET', '/V1/Accounts/user_acc_1/balance/'],
      ['GET', '/docs'],
      ['GET', '/docs-json'],
      ['GET', '/admin/queues'],
      ['GET', '/admin/queues/api/queues'],
      ['GET', '/no-such-route'],
      ['DELETE', '/health/../v1/transactions/txn_1'],
    ];

    const call = (method: string, path: string) => {
      const http = t.http();
      return method === 'POST' ? http.post(path) : method === 'DELETE' ? http.delete(path) : http.get(path);
    };

    it.each(protectedRoutes)('answers %s %s without a key with a 401 problem and a Bearer challenge', async (method, path) => {
      const res = await call(method, path).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'https://paycheck.dev/problems/unauthorized', status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^(Bearer|Basic) realm="paycheck"/);
    });

    it.each([
      ['a wrong key', `Bearer ${KEY.slice(0, -1)}x`],
      ['a key with extra characters', `Bearer ${KEY}0`],
      ['a prefix of a key', `Bearer ${KEY.slice(0, 8)}`],
      ['both keys at once', `Bearer ${KEY},${NEXT_KEY}`],
      ['another scheme', `Token ${KEY}`],
      ['the key without a scheme', KEY],
      ['a Basic password on an API route', `Basic ${Buffer.from(`ops:${KEY}`).toString('base64')}`],
    ])('answers 401 to %s', async (_name, authorization) => {
      await t.http().get('/v1/accounts/user_acc_1/balance').set('Authorization', authorization).expect(401);
    });

    it('does not take the key from the query string', async () => {
      await t.http().get(`/v1/accounts/user_acc_1/balance?api_key=${KEY}&access_token=${KEY}`).expect(401);
    });

    it.each([
      ['the first key', `Bearer ${KEY}`],
      ['the second key', `Bearer ${NEXT_KEY}`],
      ['a lower-case scheme', `bearer ${KEY}`],
    ])('lets %s through', async (_name, authorization) => {
      const res = await t.http().get('/v1/accounts/user_acc_1/balance').set('Authorization', authorization).expect(200);
      expect(res.body).toEqual({ account_id: 'user_acc_1', balances: {} });
    });

    it('lets a key holder read a transaction', async () => {
      const id = uniqueId('txn_read');
      const body = transaction(id);
      await post(body, signedBy(SECRET, body)).expect(202);
      const res = await t.http().get(`/v1/transactions/${id}`).set('Authorization', `Bearer ${KEY}`).expect(200);
      expect(res.body.transaction_id).toBe(id);
    });

    it('asks browsers for the key as a Basic password on the operator tools and accepts it there', async () => {
      const challenge = await t.http().get('/admin/queues').expect(401);
      expect(challenge.headers['www-authenticate']).toMatch(/^Basic realm="paycheck"/);
      const basic = `Basic ${Buffer.from(`ops:${KEY}`).toString('base64')}`;
      // Whatever the tool answers (it may not be mounted in every build), the key got past the check.
      for (const path of ['/admin/queues', '/docs', '/docs-json']) {
        expect((await t.http().get(path).set('Authorization', basic)).status).not.toBe(401);
        expect((await t.http().get(path).set('Authorization', `Bearer ${KEY}`)).status).not.toBe(401);
      }
    });

    it.each(['/', '/health/live', '/health/ready', '/metrics'])('leaves %s open', async (path) => {
      expect((await t.http().get(path)).status).not.toBe(401);
    });

    it('leaves the webhook to its signature: no API key needed', async () => {
      const body = transaction(uniqueId('txn_nokey'));
      await post(body, signedBy(SECRET, body)).expect(202);
    });

    it('never reads the body of a caller without a key (401 before 413)', async () => {
      const huge = JSON.stringify({ status: 'FAILED', pad: 'x'.repeat(300 * 1024) });
      await t.http().post('/v1/transactions/retry').set('content-type', 'application/json').send(huge).expect(401);
    });
  });

  describe('the worker role', () => {
    let worker: TestApp;

    beforeAll(async () => {
      worker = await startTestApp({ APP_ROLE: 'worker', DATABASE_URL: databaseUrl, QUEUE_PREFIX: testQueuePrefix(), API_KEYS: KEY });
    }, 60_000);

    afterAll(() => worker?.close());

    it('keeps its probes and metrics open and everything else behind the key', async () => {
      await worker.http().get('/health/live').expect(200);
      expect((await worker.http().get('/metrics')).status).not.toBe(401);
      await worker.http().get('/v1/transactions/txn_1').expect(401);
      await worker.http().get('/admin/queues').expect(401);
    });
  });

  describe('nothing leaks', () => {
    const leak =
      /node_modules|\/work\/|\.ts:\d+|\bat \S+ \(|QueryFailedError|SELECT |INSERT |typeorm|postgres|ioredis|bullmq|express|body-parser|class-validator|nestjs|stack/i;

    it('answers errors without stacks, SQL, library names or paths, and without X-Powered-By', async () => {
      const auth = { Authorization: `Bearer ${KEY}` };
      const responses = await Promise.all([
        t.http().get('/no-such-route').set(auth),
        t.http().get('/v1/transactions/%E0%A4%A').set(auth),
        t.http().get('/v1/transactions/a%00b').set(auth),
        t.http().get('/v1/transactions/unknown_txn').set(auth),
        t.http().post('/v1/transactions/retry').set(auth).set('content-type', 'application/json').send('{"status":'),
        post('{"transaction_id":', signedBy(SECRET, '{"transaction_id":')),
        post('[]', signedBy(SECRET, '[]')),
        post('{}', { 'content-type': 'text/plain' }),
        post('{}', {}),
        t.http().get('/v1/accounts/user_acc_1/balance'),
      ]);
      for (const res of responses) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['x-powered-by']).toBeUndefined();
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.text).not.toMatch(leak);
      }
    });

    it('sends helmet security headers on API responses', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });
  });

  describe('a replaceable verifier', () => {
    /** A provider's own scheme, e.g. Razorpay's: hex HMAC-SHA256 of the body in X-Razorpay-Signature. */
    class HexBodyHmacVerifier implements WebhookSignatureVerifier {
      constructor(private readonly secret: string) {}
      verify(rawBody: Buffer, headers: IncomingHeaders): SignatureCheck {
        const given = headers['x-razorpay-signature'];
        const want = createHmac('sha256', this.secret).update(rawBody).digest('hex');
        return given === want ? { ok: true } : { ok: false, reason: 'no signature matches' };
      }
    }

    let custom: INestApplication;

    beforeAll(async () => {
      const config = loadConfig({
        ...FAST_ENV,
        APP_ROLE: 'api',
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: testQueuePrefix(),
        WEBHOOK_SECRET: SECRET,
      });
      const moduleRef = await Test.createTestingModule({ imports: [rootModuleFor(config)] })
        .overrideProvider(WEBHOOK_SIGNATURE_VERIFIER)
        .useValue(new HexBodyHmacVerifier('rzp_secret'))
        .compile();
      custom = moduleRef.createNestApplication({ bodyParser: false, logger: false });
      custom.use(...jsonBodyParser(config.bodyLimitBytes));
      custom.useGlobalFilters(new ProblemDetailsFilter());
      await custom.init();
    }, 60_000);

    afterAll(() => custom?.close());

    it('is used by the unchanged controller instead of Standard Webhooks', async () => {
      const id = uniqueId('txn_rzp');
      const body = transaction(id);
      const send = (headers: Record<string, string>) =>
        request(custom.getHttpServer())
          .post('/v1/webhooks/transactions')
          .set({ 'content-type': 'application/json', ...headers })
          .send(body);
      await send(signedBy(SECRET, body)).expect(401);
      await send({ 'x-razorpay-signature': createHmac('sha256', 'rzp_secret').update(body).digest('hex') }).expect(202);
      expect(await storedIds(custom)).toContain(id);
    });
  });

  describe('the running process', () => {
    // A boot, a few requests and a stop, each with its own deadline.
    const PROCESS_TIMEOUT_MS = 3 * BOOT_TIMEOUT_MS;

    it.each([
      ['WEBHOOK_SECRET', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_s3cr3tVal', 's3cr3tVal'],
      ['API_KEYS', `${KEY},tooShortKey`, 'tooShortKey'],
    ])(
      'stops at boot on a bad %s, naming it without echoing the value',
      async (variable, value, fragment) => {
        const proc = await PaycheckProcess.launch(
          { ...FAST_ENV, [variable]: value, DATABASE_URL: 'postgres://127.0.0.1:1/never_used' },
          { waitUntilLive: false },
        );
        expect((await proc.process.exitWithin(BOOT_TIMEOUT_MS)).code).toBe(1);
        const output = proc.process.output();
        expect(output).toContain(variable);
        expect(output).not.toContain(fragment);
        expect(output).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
        expect(output).not.toContain(KEY);
      },
      PROCESS_TIMEOUT_MS,
    );

    it(
      'never writes a secret, an API key or a signature to its logs, even at trace level',
      async () => {
        const proc = await PaycheckProcess.launch({
          ...FAST_ENV,
          APP_ROLE: 'api',
          DATABASE_URL: databaseUrl,
          QUEUE_PREFIX: testQueuePrefix(),
          WEBHOOK_SECRET: `${SECRET} ${NEXT_SECRET}`,
          API_KEYS: `${KEY},${NEXT_KEY}`,
          LOG_LEVEL: 'trace',
        });
        try {
          const base = proc.url;
          const body = transaction(uniqueId('txn_logged'));
          const signed = signedBy(SECRET, body);
          const forged = signedBy(UNKNOWN_SECRET, body);
          await fetch(`${base}/v1/webhooks/transactions`, { method: 'POST', headers: signed, body });
          await fetch(`${base}/v1/webhooks/transactions`, { method: 'POST', headers: forged, body });
          await fetch(`${base}/v1/accounts/a/balance`, { headers: { Authorization: `Bearer ${KEY}` } });
          await fetch(`${base}/v1/accounts/a/balance`, { headers: { Authorization: `Bearer ${NEXT_KEY}x` } });
          await fetch(`${base}/admin/queues`, { headers: { Authorization: `Basic ${Buffer.from(`ops:${NEXT_KEY}`).toString('base64')}` } });
          await fetch(`${base}/v1/transactions/x`, { headers: { Authorization: `Bearer ${KEY}`, Cookie: `session=${KEY}` } });
          await proc.terminate();

          const logs = proc.process.output();
          expect(logs).toContain('/v1/accounts/a/balance'); // requests were logged at all
          for (const secret of [
            SECRET.slice(6),
            NEXT_SECRET.slice(6),
            KEY,
            NEXT_KEY,
            signed['webhook-signature'].slice(3),
            forged['webhook-signature'].slice(3),
          ]) {
            expect(logs).not.toContain(secret);
          }
          expect(logs).not.toContain(Buffer.from(`ops:${NEXT_KEY}`).toString('base64'));
        } finally {
          await proc.kill();
        }
      },
      PROCESS_TIMEOUT_MS,
    );
  });
});
