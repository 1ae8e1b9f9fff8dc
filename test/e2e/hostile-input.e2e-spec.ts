import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { IDENTIFIER_PATTERN } from '@app/webhooks';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';

// Every body below is correctly signed: a compromised or buggy sender must not get further
// with a hostile payload than a stranger without the secret.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const KEY = 'key_hostile_0123456789abcdef';
const BODY_LIMIT_BYTES = 100 * 1024;
const VALID = {
  transaction_id: 'txn_ok',
  source_account: 'user_acc_1',
  destination_account: 'merchant_acc_1',
  amount: 2500,
  currency: 'INR',
};

function signatureHeaders(body: Buffer | string): Record<string, string> {
  const msgId = uniqueId('msg');
  const now = new Date();
  const timestamp = String(Math.floor(now.getTime() / 1000));
  // The package signs strings; arbitrary bytes are signed by hand over the exact bytes.
  const signature =
    typeof body === 'string'
      ? new Webhook(SECRET).sign(msgId, now, body)
      : `v1,${createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64'))
          .update(`${msgId}.${timestamp}.`)
          .update(body)
          .digest('base64')}`;
  return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

/** `"amount": <literal>` spliced in raw, since JSON.stringify cannot write 1e400 or -0. */
const withAmount = (literal: string) => JSON.stringify({ ...VALID, amount: 0 }).replace('"amount":0', `"amount":${literal}`);
const withField = (field: string, value: unknown) => JSON.stringify({ ...VALID, [field]: value });
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('hostile input', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      APP_ROLE: 'api',
      ...(await isolatedEnv()),
      WEBHOOK_SECRET: SECRET,
      API_KEYS: KEY,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  const storedCount = async (): Promise<number> => {
    const [{ count }]: { count: string }[] = await t.app.get(DataSource).query('SELECT count(*) AS count FROM transactions');
    return Number(count);
  };

  const postSigned = (body: Buffer | string, contentType: string | null = 'application/json') => {
    // supertest labels a string body as a form unless told otherwise, so "no content type" is sent
    // as a Buffer; and it would JSON-encode a Buffer labelled JSON, so bytes bypass its serializer.
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const req = t
      .http()
      .post('/v1/webhooks/transactions')
      .set(signatureHeaders(body))
      .serialize((data: unknown) => data as string);
    return (contentType === null ? req : req.set('Content-Type', contentType)).send(bytes);
  };

  /** A 4xx problem document (400/413/415 only), and not a row more in the database. */
  async function expectRejected(res: { status: number; headers: Record<string, string>; text: string }, allowed = [400, 413, 415]) {
    expect(allowed).toContain(res.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
  }

  const tenKb = 'a'.repeat(10 * 1024);
  const bodies: Array<[string, string, number]> = [
    ['an empty body', '', 400],
    ['null', 'null', 400],
    ['an empty array', '[]', 400],
    ['an array holding a valid transaction', JSON.stringify([VALID]), 400],
    ['a string', '"txn_1"', 400],
    ['a number', '2500', 400],
    ['true', 'true', 400],
    ['an empty object', '{}', 400],
    ['truncated JSON', JSON.stringify(VALID).slice(0, -9), 400],
    ['JSON with a trailing comma', JSON.stringify(VALID).replace(/}$/, ',}'), 400],
    ['two JSON documents', `${JSON.stringify(VALID)}${JSON.stringify(VALID)}`, 400],
    ['single-quoted pseudo-JSON', "{'transaction_id':'t'}", 400],
    ['objects nested 10,000 deep (about 60 kB)', nestedObject(10_000), 400],
    [
      'arrays nested 40,000 deep inside a field',
      withField('meta', 0).replace('"meta":0', `"meta":${'['.repeat(40_000)}${']'.repeat(40_000)}`),
      400,
    ],
    ['a body over BODY_LIMIT', withField('pad', 'x'.repeat(BODY_LIMIT_BYTES)), 413],
    ['amount 1e400', withAmount('1e400'), 400],
    ['amount -1e400', withAmount('-1e400'), 400],
    ['amount 1e-400', withAmount('1e-400'), 400],
    ['amount 0', withAmount('0'), 400],
    ['amount -0', withAmount('-0'), 400],
    ['a negative amount', withAmount('-25'), 400],
    ['too many decimals for INR', withAmount('25.001'), 400],
    ['too many decimals written with an exponent', withAmount('2.5001e1'), 400],
    ['16 significant digits', withAmount('1234567890123456'), 400],
    ['a huge integer', withAmount('9'.repeat(400)), 400],
    ['decimals on JPY', JSON.stringify({ ...VALID, currency: 'JPY', amount: 1.5 }), 400],
    ['amount "NaN"', withField('amount', 'NaN'), 400],
    ['amount "Infinity"', withField('amount', 'Infinity'), 400],
    ['amount as a string', withField('amount', '2500'), 400],
    ['amount null', withField('amount', null), 400],
    ['amount as an object', withField('amount', { value: 2500 }), 400],
    ['amount as an array', withField('amount', [2500]), 400],
    ['an id as an object', withField('transaction_id', { toString: 'txn' }), 400],
    ['an id as an array', withField('transaction_id', ['txn_1']), 400],
    ['an id as a number', withField('transaction_id', 12345), 400],
    ['an empty id', withField('transaction_id', ''), 400],
    ['an id with a slash', withField('transaction_id', 'txn/1'), 400],
    ['an id with ../', withField('transaction_id', '../../etc/passwd'), 400],
    ['an id with quotes', withField('transaction_id', `txn'1"--`), 400],
    ['an id with NUL', withField('transaction_id', 'txn\u00001'), 400],
    ['an id with a newline', withField('transaction_id', 'txn\n1'), 400],
    ['an id with a leading space', withField('transaction_id', ' txn_1'), 400],
    ['an id with a non-ASCII letter', withField('transaction_id', 'txn_é'), 400],
    ['a 10 kB id', withField('transaction_id', tenKb), 400],
    ['a 129-character id', withField('transaction_id', 'a'.repeat(129)), 400],
    ['a 10 kB account', withField('source_account', tenKb), 400],
    ['an account as an object', withField('destination_account', { $ne: null }), 400],
    ['source equal to destination', withField('destination_account', VALID.source_account), 400],
    ['a lower-case currency', withField('currency', 'inr'), 400],
    ['an unknown currency', withField('currency', 'XXX'), 400],
    ['a currency with NUL', withField('currency', 'IN\u0000'), 400],
    ['a currency as an object', withField('currency', { code: 'INR' }), 400],
    ['only a __proto__ carrying the fields', `{"__proto__":${JSON.stringify(VALID)}}`, 400],
    ['only a constructor.prototype carrying the fields', `{"constructor":{"prototype":${JSON.stringify(VALID)}}}`, 400],
  ];

  it.each(bodies)('answers %s with a %i problem and stores nothing', async (_name, body, status) => {
    const before = await storedCount();
    const res = await postSigned(body);
    await expectRejected(res);
    expect(res.status).toBe(status);
    expect(await storedCount()).toBe(before);
  });

  it('answers invalid UTF-8 bytes in an id with a 400 and stores nothing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"transaction_id":"txn_'),
      Buffer.from([0xff, 0xfe, 0xc0]),
      Buffer.from(JSON.stringify(VALID).slice(25)),
    ]);
    expect(body.toString('latin1')).toMatch(/^\{"transaction_id":"txn_...","source_account"/); // well-formed apart from the bytes
    const before = await storedCount();
    const res = await postSigned(body);
    await expectRejected(res);
    expect(res.status).toBe(400);
    expect(await storedCount()).toBe(before);
  });

  it('ignores __proto__ and constructor keys beside valid fields without polluting prototypes', async () => {
    const id = uniqueId('txn_proto');
    const body = `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify({ ...VALID, transaction_id: id }).slice(1)}`;
    const res = await postSigned(body).expect(202);
    expect(Object.keys(res.body)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  const contentTypes: Array<[string, string | null]> = [
    ['no content type', null],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['JSON declared as UTF-16', 'application/json; charset=utf-16'],
    ['JSON declared as Latin-1', 'application/json; charset=iso-8859-1'],
    ['a near-miss type', 'application/jsonx'],
    ['XML', 'application/xml'],
  ];

  it.each(contentTypes)('answers a valid transaction sent as %s with 415 and stores nothing', async (_name, type) => {
    const body = JSON.stringify({ ...VALID, transaction_id: uniqueId('txn_ct') });
    const before = await storedCount();
    const res = await postSigned(
      type === 'multipart/form-data; boundary=x' ? `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${body}\r\n--x--` : body,
      type,
    );
    await expectRejected(res);
    expect(res.status).toBe(415);
    expect(await storedCount()).toBe(before);
  });

  it('answers a compression bomb with 413 and an unknown content encoding with 415', async () => {
    const bomb = gzipSync(Buffer.from(withField('pad', '0'.repeat(20 * 1024 * 1024)), 'utf8'));
    expect(bomb.length).toBeLessThan(BODY_LIMIT_BYTES); // small on the wire, 20 MB inflated
    const inflated = await t
      .http()
      .post('/v1/webhooks/transactions')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .serialize((d: unknown) => d as string)
      .send(bomb);
    await expectRejected(inflated);
    expect(inflated.status).toBe(413);
    const unknown = await t
      .http()
      .post('/v1/webhooks/transactions')
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'compress' })
      .send(JSON.stringify(VALID));
    await expectRejected(unknown);
    expect(unknown.status).toBe(415);
  });

  const paths = [
    '/v1/transactions/txn%00x',
    '/v1/transactions/txn%0Ax',
    '/v1/transactions/txn%0D%0ASet-Cookie:%20a=b',
    '/v1/transactions/%FF',
    '/v1/transactions/txn%2F..%2F..%2Fetc%2Fpasswd',
    "/v1/transactions/txn'%20OR%20'1'='1",
    `/v1/transactions/${'a'.repeat(10 * 1024)}`,
    '/v1/accounts/acc%00/balance',
    `/v1/accounts/${'b'.repeat(10 * 1024)}/balance`,
    '/v1/transactions?account=acc%00&limit=5',
    '/v1/transactions?limit=1e400',
    '/v1/transactions?limit=-1',
    '/v1/transactions?cursor=%7B%22__proto__%22%3A1%7D',
    '/v1/transactions?status=PROCESSING&status=FAILED',
  ];

  it.each(paths)('answers GET %s without a 5xx', async (path) => {
    const res = await t.http().get(path).set('Authorization', `Bearer ${KEY}`);
    if (res.status === 200) {
      // Only a read that cannot match anything may succeed: an account with no postings.
      expect(res.body.balances).toEqual({});
    } else {
      await expectRejected(res, [400, 404]);
    }
  });

  it('answers hostile headers without a 5xx', async () => {
    const body = JSON.stringify({ ...VALID, transaction_id: uniqueId('txn_headers') });
    const before = await storedCount();
    const cases = [
      { ...signatureHeaders(body), 'webhook-timestamp': '1e400' },
      { ...signatureHeaders(body), 'webhook-timestamp': '-1' },
      { ...signatureHeaders(body), 'webhook-signature': `v1,${'A'.repeat(8000)}` },
      { ...signatureHeaders(body), 'webhook-signature': ' , v1, ,,, v2' },
      { ...signatureHeaders(body), 'webhook-id': 'x'.repeat(8000) },
    ];
    for (const headers of cases) {
      const res = await t.http().post('/v1/webhooks/transactions').set(headers).set('Content-Type', 'application/json').send(body);
      await expectRejected(res, [401]);
    }
    expect(await storedCount()).toBe(before);
  });

  describe('generated hostile bodies (property-based)', () => {
    const isValidId = (v: unknown) => typeof v === 'string' && IDENTIFIER_PATTERN.test(v);
    const idField = fc.constantFrom('transaction_id', 'source_account', 'destination_account');
    const invalidAmountLiterals = [
      '1e400',
      '-1',
      '0',
      '-0',
      '0.001',
      '25.125',
      '1234567890123456',
      '1e-7',
      '9'.repeat(40),
      '"25"',
      'null',
      'true',
      '[]',
      '{}',
    ];

    const hostileBody: fc.Arbitrary<string> = fc.oneof(
      // Any JSON document: never an object carrying all five fields validly (filtered below).
      fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value) ?? 'null'),
      // A valid transaction with one identifier replaced by anything that is not a valid identifier.
      fc
        .tuple(
          idField,
          fc.jsonValue({ maxDepth: 3 }).filter((v) => !isValidId(v)),
        )
        .map(([field, value]) => withField(field, value)),
      // ...or by a string close to valid: valid characters plus one hostile character.
      fc
        .tuple(
          idField,
          fc.string({ maxLength: 20 }),
          fc.constantFrom('/', '"', "'", '\u0000', '\n', '\r', ' ', '\\', '%', '#', '?', 'é', '💸', '\u202e'),
        )
        .map(([field, text, bad]) => withField(field, `a${text}${bad}`)),
      // An invalid amount literal, spliced in raw.
      fc.constantFrom(...invalidAmountLiterals).map(withAmount),
      // A currency that is not one.
      fc
        .jsonValue({ maxDepth: 2 })
        .filter((v) => typeof v !== 'string' || !/^[A-Z]{3}$/.test(v))
        .map((v) => withField('currency', v)),
      // A valid transaction cut short.
      fc.integer({ min: 0, max: JSON.stringify(VALID).length - 1 }).map((cut) => JSON.stringify(VALID).slice(0, cut)),
      // Random text.
      fc.string({ maxLength: 200, unit: 'binary' }),
      // Deep nesting beyond any real payload.
      fc.integer({ min: 33, max: 5000 }).map((depth) => withField('meta', 0).replace('"meta":0', `"meta":${nestedObject(depth)}`)),
    );

    it('rejects every generated hostile body with a 4xx problem and stores nothing', async () => {
      const before = await storedCount();
      await fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          const res = await postSigned(body);
          await expectRejected(res);
          expect(await storedCount()).toBe(before);
        }),
        { numRuns: 300 },
      );
    }, 120_000);

    it('rejects generated bytes under every content type with a 4xx and stores nothing', async () => {
      const before = await storedCount();
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 512 }),
          fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'text/plain', null),
          async (bytes, type) => {
            const res = await postSigned(Buffer.from(bytes), type);
            await expectRejected(res);
            expect(await storedCount()).toBe(before);
          },
        ),
        { numRuns: 200 },
      );
    }, 120_000);
  });

  it('stays healthy afterwards and still accepts a genuine webhook', async () => {
    await t.http().get('/health/ready').expect(200);
    const before = await storedCount();
    const body = JSON.stringify({ ...VALID, transaction_id: uniqueId('txn_after') });
    await postSigned(body).expect(202);
    expect(await storedCount()).toBe(before + 1);
  });
});
