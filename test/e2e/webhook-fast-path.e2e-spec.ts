import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { stripeKit } from '../support/provider-deliveries';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY_LIMIT_BYTES = 100 * 1024;
const REQUEST_ID = 'fast-path-compare';
/** Every exchange here is one small request to a local server. */
const EXCHANGE_TIMEOUT_MS = 15_000;

interface Answer {
  status: number;
  /** Header names and values in the order they were sent, Date left out. */
  headers: string[];
  body: string;
}

/** Standard Webhooks headers over the exact bytes. */
function signed(body: Buffer): Record<string, string> {
  const msgId = uniqueId('msg');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64'))
    .update(`${msgId}.${timestamp}.`)
    .update(body)
    .digest('base64');
  return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
}

function exchange(port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'x-request-id': REQUEST_ID, 'content-length': String(body.length) },
        timeout: EXCHANGE_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2)
            if (res.rawHeaders[i].toLowerCase() !== 'date') headers.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${EXCHANGE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One delivery, built for a variant: the same bytes but for the variant letter in its ids. */
type Case = (variant: string) => { headers: Record<string, string>; body: Buffer };

const JSON_TYPE = { 'content-type': 'application/json' };
const text = (value: string) => Buffer.from(value, 'utf8');

describe('webhook fast path', () => {
  let t: TestApp;
  let port: number;
  let expressHandle: jest.SpyInstance;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'api',
      ...(await isolatedEnv()),
      WEBHOOK_SECRET: SECRET,
      API_KEYS: 'key_fast_path_0123456789',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...stripeKit.env,
    });
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // app.handle is what Express' request listener calls for every request it serves (untyped in @types/express).
    expressHandle = jest.spyOn(t.app.getHttpAdapter().getInstance() as { handle: (...args: unknown[]) => void }, 'handle');
  }, 60_000);

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  const base = uniqueId('fp');
  const transaction = (variant: string, overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      transaction_id: `${base}${variant}`,
      source_account: 'user_acc_1',
      destination_account: 'merchant_acc_1',
      amount: 2500,
      currency: 'INR',
      ...overrides,
    });
  const native = (body: Buffer, headers: Record<string, string> = JSON_TYPE) => ({ headers: { ...headers, ...signed(body) }, body });

  const nativeCases: Array<[string, Case]> = [
    ['a new transaction', (v) => native(text(transaction(v)))],
    ['its redelivery', (v) => native(text(transaction(v)))],
    ['a conflicting redelivery', (v) => native(text(transaction(v, { amount: 99 })))],
    ['invalid fields', (v) => native(text(transaction(v, { currency: 'inr', amount: -1 })))],
    ['malformed JSON', () => native(text('{"transaction_id":'))],
    ['an empty body', () => native(text(''))],
    ['a JSON scalar', () => native(text(' 2500'))],
    ['text/plain', (v) => native(text(transaction(v)), { 'content-type': 'text/plain' })],
    ['JSON declared as UTF-16', (v) => native(text(transaction(v)), { 'content-type': 'application/json; charset=utf-16' })],
    [
      'another spelling of the JSON type',
      (v) => native(text(transaction(`${v}2`)), { 'content-type': 'Application/JSON ; Charset="UTF-8"' }),
    ],
    ['a body over BODY_LIMIT', (v) => native(text(transaction(v, { pad: 'x'.repeat(BODY_LIMIT_BYTES) })))],
    ['a byte-order mark', (v) => native(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text(transaction(v))]))],
    ['JSON nested too deep', () => native(text(`${'['.repeat(40)}${']'.repeat(40)}`))],
    ['a bad signature', (v) => ({ headers: { ...JSON_TYPE, ...signed(text('other bytes')) }, body: text(transaction(v)) })],
    [
      'a gzipped new transaction',
      (v) => {
        const json = text(transaction(`${v}3`));
        return { headers: { ...JSON_TYPE, 'content-encoding': 'gzip', ...signed(json) }, body: gzipSync(json) };
      },
    ],
  ];

  const payment = stripeKit.newPayment();
  const eventId = uniqueId('evt');
  const stripeEvent = (v: string, type = 'payment_intent.succeeded') => {
    const event = stripeKit.payment({ ...payment, id: `${payment.id}${v}` });
    return JSON.stringify({ ...event, id: `${eventId}${v}`, type });
  };
  const stripeSigned = (body: string) => ({ headers: { ...JSON_TYPE, ...stripeKit.signatureHeaders(body) }, body: text(body) });
  const providerCases: Array<[string, Case]> = [
    ['a new payment', (v) => stripeSigned(stripeEvent(v))],
    ['its redelivery', (v) => stripeSigned(stripeEvent(v))],
    ['an event it ignores', (v) => stripeSigned(stripeEvent(v, 'payment_intent.created'))],
    [
      'a bad signature',
      (v) => ({
        headers: { ...JSON_TYPE, 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
        body: text(stripeEvent(v)),
      }),
    ],
  ];

  /** What differs between the two variants by construction: their ids, and the time. */
  const normalized = (answer: Answer, variant: string): Answer => {
    const scrub = (value: string) =>
      value
        .split(`${base}${variant}`)
        .join(`${base}V`)
        .split(`${payment.id}${variant}`)
        .join(`${payment.id}V`)
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME');
    return { status: answer.status, headers: answer.headers.map(scrub), body: scrub(answer.body) };
  };

  async function compare(fastPath: string, expressPath: string, cases: Array<[string, Case]>) {
    for (const [name, build] of cases) {
      expressHandle.mockClear();
      const viaExpress = build('b');
      const expressAnswer = await exchange(port, expressPath, viaExpress.headers, viaExpress.body);
      expect(expressHandle).toHaveBeenCalledTimes(1);
      const viaFastPath = build('a');
      const fastAnswer = await exchange(port, fastPath, viaFastPath.headers, viaFastPath.body);
      expect(expressHandle).toHaveBeenCalledTimes(1); // the fast path never reached Express
      expect({ name, ...normalized(fastAnswer, 'a') }).toEqual({ name, ...normalized(expressAnswer, 'b') });
    }
  }

  it('answers the native route byte for byte as Express and Nest do, without going through them', async () => {
    await compare('/v1/webhooks/transactions', '/v1/webhooks/transactions/', nativeCases);
  });

  it("answers an enabled provider's route byte for byte as Express and Nest do, without going through them", async () => {
    await compare('/v1/webhooks/stripe', '/v1/webhooks/stripe/', providerCases);
  });

  it('leaves other methods, paths and spellings to Express', async () => {
    for (const path of ['/v1/webhooks/transactions?x=1', '/V1/webhooks/transactions', '/v1/webhooks/razorpay', '/v1/webhooks/acme']) {
      expressHandle.mockClear();
      const body = text(transaction('c'));
      await exchange(port, path, { ...JSON_TYPE, ...signed(body), authorization: 'Bearer nope' }, body);
      expect({ path, calls: expressHandle.mock.calls.length }).toEqual({ path, calls: 1 });
    }
  });

  it('counts and labels fast-path answers as Express answers', async () => {
    const scrape = await t.http().get('/metrics').set('Authorization', 'Bearer key_fast_path_0123456789');
    expect(scrape.text).toMatch(/paycheck_http_requests_total\{method="POST",route="\/v1\/webhooks\/transactions",status="202"\} [1-9]/);
    expect(scrape.text).toMatch(/paycheck_http_requests_total\{method="POST",route="\/v1\/webhooks\/:provider",status="202"\} [1-9]/);
    expect(scrape.text).toMatch(/paycheck_webhooks_received_total\{provider="stripe",outcome="ignored"\} 2/);
    expect(scrape.text).toMatch(/paycheck_webhooks_received_total\{provider="native",outcome="conflict"\} 2/);
  });
});
