import { EXPECTS_FAILURE_ENV, type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';

const KEY = 'ops_key_5c1e9a7b3d2f4086';

async function receive(app: TestApp): Promise<string> {
  const id = uniqueId('txn');
  const body = { transaction_id: id, source_account: 'user_acc_1', destination_account: 'merchant_acc_1', amount: 5, currency: 'INR' };
  await app.http().post('/v1/webhooks/transactions').send(body).expect(202);
  return id;
}

describe('queue dashboard /admin/queues', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it('serves the bull-board page and its scripts', async () => {
    const res = await api.http().get('/admin/queues').expect(200).expect('Content-Type', /html/);
    expect(res.text).toContain('<base href="/admin/queues/"');
    expect(res.text).toContain('<title>Paycheck queues</title>');
    const script = /<script defer src="(static\/js\/main[^"]+)"/.exec(res.text)?.[1];
    expect(script).toBeDefined();
    await api
      .http()
      .get(`/admin/queues/${script}`)
      .expect(200)
      .expect('Content-Type', /javascript/);
  });

  it('shows the settlement queue and its waiting jobs through the dashboard API', async () => {
    const id = await receive(api);
    const res = await api.http().get('/admin/queues/api/queues?activeQueue=settlement&status=waiting').expect(200);
    const settlement = (
      res.body.queues as { name: string; counts: Record<string, number>; jobs: { data: { transactionId: string } }[] }[]
    ).find((queue) => queue.name === 'settlement');
    expect(settlement).toBeDefined();
    expect(settlement!.counts.waiting).toBeGreaterThanOrEqual(1);
    expect(settlement!.jobs.map((job) => job.data.transactionId)).toContain(id);
  });
});

describe('queue dashboard hygiene', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
  });

  afterAll(async () => {
    await api.queue.obliterate({ force: true });
    await api.close();
  });

  it.each(['/admin/queues', '/admin/queues/api/queues'])('sends no X-Powered-By on %s', async (path) => {
    const res = await api.http().get(path).expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('reports the settlement queue as read-only', async () => {
    const res = await api.http().get('/admin/queues/api/queues').expect(200);
    expect(res.body.queues).toEqual([expect.objectContaining({ name: 'settlement', readOnlyMode: true, allowRetries: false })]);
  });

  it.each([
    ['page=1e9&jobsPerPage=1e9', ['page', 'jobsPerPage']],
    ['page=1&jobsPerPage=1000000000', ['jobsPerPage']],
    ['page=0', ['page']],
    ['page=-1&jobsPerPage=10', ['page']],
  ])('answers 400 naming the bad paging parameters of ?%s, with no internals', async (query, fields) => {
    const res = await api.http().get(`/admin/queues/api/queues?activeQueue=settlement&status=waiting&${query}`);
    expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(res.text).not.toMatch(/lua|script|redis|ERR /i);
  });

  it.each([
    ['PUT', '/admin/queues/api/queues/settlement/retry/failed'],
    ['PUT', '/admin/queues/api/queues/pause'],
    ['PUT', '/admin/queues/api/queues/settlement/empty'],
    ['PUT', '/admin/queues/api/queues/settlement/obliterate'],
    ['POST', '/admin/queues/api/queues/settlement/add'],
    ['PATCH', '/admin/queues/api/queues/settlement/some-job/update-data'],
    ['DELETE', '/admin/queues/api/queues/settlement'],
  ])('refuses %s %s with a 405 problem and changes nothing', async (method, path) => {
    const id = await receive(api);
    const res = await api.http()[method.toLowerCase() as 'put' | 'post' | 'patch' | 'delete'](path).send({});
    expect([res.status, res.headers['content-type'], res.headers.allow]).toEqual([
      405,
      expect.stringContaining('application/problem+json'),
      'GET, HEAD',
    ]);
    expect(res.body).toMatchObject({ status: 405, detail: expect.stringContaining('/v1/transactions') });
    expect((await api.queue.getJobs(['waiting'])).map((job) => job.data.transactionId)).toContain(id);
    expect(await api.queue.isPaused()).toBe(false);
  });

  it('answers an unknown queue with a problem document', async () => {
    const res = await api.http().get('/admin/queues/api/queues/no-such-queue/workers');
    expect([res.status, res.headers['content-type']]).toEqual([404, expect.stringContaining('application/problem+json')]);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

describe('queue dashboard with Redis unreachable', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...EXPECTS_FAILURE_ENV, ...(await isolatedEnv()), REDIS_URL: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers its API with a 503 problem and Retry-After at once, never hanging', async () => {
    const started = Date.now();
    const res = await api.http().get('/admin/queues/api/queues?activeQueue=settlement&status=latest&page=1&jobsPerPage=10').timeout(10_000);
    expect([res.status, res.headers['content-type'], res.headers['retry-after']]).toEqual([
      503,
      expect.stringContaining('application/problem+json'),
      '5',
    ]);
    expect(res.body).toMatchObject({ status: 503, type: 'https://paycheck.dev/problems/queue-unavailable' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('operator tools behind API_KEYS', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()), API_KEYS: KEY });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each(['/admin/queues', '/admin/queues/api/queues', '/docs', '/docs-json'])('answers 401 on %s without a key', async (path) => {
    const res = await api
      .http()
      .get(path)
      .expect(401)
      .expect('Content-Type', /application\/problem\+json/);
    expect(res.body.status).toBe(401);
  });

  it.each(['/admin/queues', '/admin/queues/api/queues', '/docs-json'])('answers 401 on %s with a wrong key', async (path) => {
    await api.http().get(path).set('Authorization', 'Bearer ops_key_wrong_0000000000').expect(401);
  });

  it.each(['/admin/queues', '/admin/queues/api/queues', '/docs-json'])('serves %s with the key as a Bearer token', async (path) => {
    await api.http().get(path).set('Authorization', `Bearer ${KEY}`).expect(200);
  });

  it('lets a browser in with the key as a Basic password', async () => {
    await api
      .http()
      .get('/admin/queues')
      .expect(401)
      .expect('WWW-Authenticate', /^Basic /);
    await api.http().get('/admin/queues').auth('operator', KEY).expect(200);
  });

  it('keeps /metrics open to scrapers', async () => {
    await api.http().get('/metrics').expect(200);
  });
});

describe('operator tools on the worker role', () => {
  it('are not mounted: the worker serves only probes and metrics', async () => {
    const worker = await startTestApp({ APP_ROLE: 'worker', ...(await isolatedEnv()) });
    try {
      await worker.http().get('/admin/queues').expect(404);
      await worker.http().get('/docs-json').expect(404);
      await worker.http().get('/metrics').expect(200);
    } finally {
      await worker.close();
    }
  });
});
