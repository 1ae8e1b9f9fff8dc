import { BOOT_TIMEOUT_MS, PaycheckProcess } from '../support/processes/paycheck-process';
import { FAST_ENV, type TestApp, isolatedEnv, startTestApp, testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { createTestDatabase } from '../support/test-databases';
import { webhookBody } from '../support/webhooks';

const KEY = 'log_test_key_7d3b9f1a5c2e8046';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown> & { level: string; msg: string; request_id?: string };

/** stdout as JSON lines; fails the test on any line that is not JSON. */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
}

function webhook(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(webhookBody({ transaction_id: id, source_account: 'user_acc_1', destination_account: 'merchant_acc_1', ...extra }));
}

describe('request ids', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()), API_KEYS: KEY });
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it("echoes the caller's X-Request-Id", async () => {
    await api.http().get('/').set('X-Request-Id', 'caller-req-42').expect(200).expect('X-Request-Id', 'caller-req-42');
  });

  it('generates a UUID when none is sent, a different one per request', async () => {
    const first = (await api.http().get('/').expect(200)).headers['x-request-id'];
    const second = (await api.http().get('/').expect(200)).headers['x-request-id'];
    expect(first).toMatch(UUID);
    expect(second).toMatch(UUID);
    expect(first).not.toBe(second);
  });

  it('replaces an id that is too long or not printable ASCII', async () => {
    const res = await api.http().get('/').set('X-Request-Id', 'x'.repeat(200)).expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('carries it on answers given before any controller runs and on errors', async () => {
    await api.http().get('/v1/transactions/anything').set('X-Request-Id', 'no-key-1').expect(401).expect('X-Request-Id', 'no-key-1');
    await api
      .http()
      .get(`/v1/transactions/${uniqueId('missing')}`)
      .set('Authorization', `Bearer ${KEY}`)
      .set('X-Request-Id', 'missing-1')
      .expect(404)
      .expect('X-Request-Id', 'missing-1');
    await api
      .http()
      .post('/v1/webhooks/transactions')
      .set('content-type', 'text/plain')
      .set('X-Request-Id', 'not-json-1')
      .send('x')
      .expect(415)
      .expect('X-Request-Id', 'not-json-1');
  });
});

describe('logs of a running server (JSON lines on stdout)', () => {
  let ok: PaycheckProcess;
  let failing: PaycheckProcess;

  beforeAll(async () => {
    // Two real processes side by side: one that settles everything at LOG_LEVEL=info, one whose
    // external call always fails, at LOG_LEVEL=warn.
    const started = await Promise.allSettled([
      createTestDatabase().then((url) =>
        PaycheckProcess.launch({
          ...FAST_ENV,
          APP_ROLE: 'all',
          DATABASE_URL: url,
          QUEUE_PREFIX: testQueuePrefix(),
          LOG_LEVEL: 'info',
          API_KEYS: KEY,
        }),
      ),
      createTestDatabase().then((url) =>
        PaycheckProcess.launch({
          ...FAST_ENV,
          APP_ROLE: 'all',
          DATABASE_URL: url,
          QUEUE_PREFIX: testQueuePrefix(),
          LOG_LEVEL: 'warn',
          SIMULATED_FAILURE_RATE: '1',
          PROCESSING_MAX_ATTEMPTS: '2',
        }),
      ),
    ]);
    [ok, failing] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined)) as PaycheckProcess[];
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([ok?.terminate(), failing?.terminate()]);
  });

  const postWebhook = (server: PaycheckProcess, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/webhooks/transactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('logs each request once, as one JSON line carrying the request id it answered with', async () => {
    const id = uniqueId('txn');
    const sent = await postWebhook(ok, webhook(id), { 'X-Request-Id': 'log-req-1' });
    expect(sent.status).toBe(202);
    const generated = await fetch(`${ok.url}/v1/transactions/${id}`, { headers: { Authorization: `Bearer ${KEY}` } });
    const generatedId = generated.headers.get('x-request-id')!;
    expect(generatedId).toMatch(UUID);

    const lines = await waitFor(
      async () => logLines(ok.process.stdout()),
      (all) => all.some((line) => line.request_id === generatedId),
    );
    const forSent = lines.filter((line) => line.request_id === 'log-req-1');
    expect(forSent).toHaveLength(1);
    expect(forSent[0]).toMatchObject({
      level: 'info',
      msg: 'POST /v1/webhooks/transactions 202',
      req: { id: 'log-req-1', method: 'POST' },
      res: { statusCode: 202 },
    });
    expect(forSent[0].response_time_ms).toEqual(expect.any(Number));
    expect(lines.filter((line) => line.request_id === generatedId)).toHaveLength(1);
  });

  it('logs every processing step with transaction_id, attempt and outcome', async () => {
    const id = uniqueId('txn');
    expect((await postWebhook(ok, webhook(id))).status).toBe(202);
    const lines = await waitFor(
      async () => logLines(ok.process.stdout()).filter((line) => line.transaction_id === id),
      (steps) => steps.some((line) => line.outcome === 'processed'),
    );
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: `Processing transaction ${id}`, transaction_id: id, attempt: 1, outcome: 'started' }),
      expect.objectContaining({
        level: 'info',
        msg: `Transaction ${id} marked as PROCESSED`,
        transaction_id: id,
        attempt: 1,
        outcome: 'processed',
      }),
    ]);
  });

  it('logs retried and failed attempts, and nothing below LOG_LEVEL', async () => {
    const id = uniqueId('txn');
    expect((await postWebhook(failing, webhook(id))).status).toBe(202);
    const lines = await waitFor(
      async () => logLines(failing.process.stdout()).filter((line) => line.transaction_id === id),
      (steps) => steps.some((line) => line.outcome === 'failed'),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        transaction_id: id,
        attempt: 1,
        outcome: 'retried',
        error: expect.stringContaining('simulated'),
      }),
      expect.objectContaining({
        level: 'warn',
        msg: `Transaction ${id} marked as FAILED`,
        transaction_id: id,
        attempt: 2,
        outcome: 'failed',
      }),
    ]);
    // LOG_LEVEL=warn: no info line at all, not even the 202's request line.
    expect(logLines(failing.process.stdout()).filter((line) => line.level === 'info' || line.level === 'debug')).toEqual([]);
  });

  it('never logs credentials or bodies', async () => {
    const marker = uniqueId('BODYMARKER');
    const signature = `v1,${Buffer.from(uniqueId('SIGSECRET')).toString('base64')}`;
    const cookie = uniqueId('COOKIESECRET');
    const res = await postWebhook(ok, webhook(uniqueId('txn'), { note: marker }), {
      Authorization: `Bearer ${KEY}`,
      Cookie: `session=${cookie}`,
      'webhook-signature': signature,
      'X-Request-Id': 'log-redact-1',
    });
    expect(res.status).toBe(202);
    await fetch(`${ok.url}/v1/transactions/${uniqueId('missing')}`, { headers: { Authorization: `Bearer ${KEY}` } });

    const line = (
      await waitFor(
        async () => logLines(ok.process.stdout()),
        (all) => all.some((l) => l.request_id === 'log-redact-1'),
      )
    ).find((l) => l.request_id === 'log-redact-1')!;
    expect(line.req).toMatchObject({ headers: { authorization: '[Redacted]', cookie: '[Redacted]', 'webhook-signature': '[Redacted]' } });
    const stdout = ok.process.stdout();
    for (const secret of [KEY, signature, cookie, marker]) expect(stdout).not.toContain(secret);
  });

  it('redacts the values of secret-looking query parameters in the request line', async () => {
    const secrets = [uniqueId('QKEY'), uniqueId('QTOKEN'), uniqueId('QSIG')];
    const query = `status=FAILED&x_api_key=${secrets[0]}&Access_Token=${secrets[1]}&signature=${secrets[2]}&limit=5`;
    const res = await fetch(`${ok.url}/v1/transactions?${query}`, { headers: { 'X-Request-Id': 'log-query-1' } });
    expect(res.status).toBe(401); // a key in the URL is refused, and must not end up in the logs either

    const lines = await waitFor(
      async () => logLines(ok.process.stdout()),
      (all) => all.some((l) => l.request_id === 'log-query-1'),
    );
    const line = lines.find((l) => l.request_id === 'log-query-1')!;
    const redacted = '/v1/transactions?status=FAILED&x_api_key=[REDACTED]&Access_Token=[REDACTED]&signature=[REDACTED]&limit=5';
    expect(line).toMatchObject({ msg: `GET ${redacted} 401`, req: { url: redacted } });
    for (const secret of secrets) expect(ok.process.stdout()).not.toContain(secret);
  });

  it('keeps probes and scrapes below info, and client errors at warn', async () => {
    const probeIds = ['probe-live-1', 'probe-metrics-1'];
    await fetch(`${ok.url}/health/live`, { headers: { 'X-Request-Id': probeIds[0] } });
    await fetch(`${ok.url}/metrics`, { headers: { 'X-Request-Id': probeIds[1] } });
    await fetch(`${ok.url}/v1/transactions/${uniqueId('missing')}`, {
      headers: { Authorization: `Bearer ${KEY}`, 'X-Request-Id': 'log-404-1' },
    });

    const lines = await waitFor(
      async () => logLines(ok.process.stdout()),
      (all) => all.some((l) => l.request_id === 'log-404-1'),
    );
    expect(lines.find((l) => l.request_id === 'log-404-1')).toMatchObject({ level: 'warn', res: { statusCode: 404 } });
    expect(lines.filter((l) => probeIds.includes(l.request_id ?? ''))).toEqual([]);
  });

  it('writes only JSON lines with a level, an ISO time and a message, boot logs included', () => {
    const lines = logLines(ok.process.stdout());
    expect(lines.find((line) => /listening on port/.test(line.msg))).toMatchObject({ level: 'info', role: 'all' });
    for (const line of lines) {
      expect(line).toMatchObject({ level: expect.stringMatching(/^(fatal|error|warn|info|debug|trace)$/), msg: expect.any(String) });
      expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    }
  });
});

describe('logs of a boot that fails', () => {
  it('are JSON lines too, naming the error', async () => {
    const server = await PaycheckProcess.launch(
      {
        ...FAST_ENV,
        APP_ROLE: 'api',
        DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/unreachable',
        QUEUE_PREFIX: testQueuePrefix(),
        LOG_LEVEL: 'info',
      },
      { waitUntilLive: false },
    );
    const { code } = await server.process.exitWithin(BOOT_TIMEOUT_MS);
    expect(code).toBe(1);
    const lines = logLines(server.process.stdout());
    expect(lines.find((line) => line.level === 'fatal')).toMatchObject({
      variable: 'DATABASE_URL',
      msg: expect.stringContaining('ECONNREFUSED'),
    });
  }, 120_000);
});
