import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestApp, isolatedEnv, startTestApp } from '../support/test-app';

// Serving /console (the page itself is tested in a real browser: test/browser). A stand-in build
// keeps this spec fast: what matters here is access, headers and which files are served.
const KEY = 'key_console_page_7a1c3e5f9b';
const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

describe('GET /console', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paycheck-console-page-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Paycheck console</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    writeFileSync(join(dir, 'console.css'), 'body{}');
    writeFileSync(join(dir, 'notes.txt'), 'not served');
    t = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()), API_KEYS: KEY }, { consoleDir: dir });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks a browser for the key as a Basic password, and takes it as Basic or Bearer', async () => {
    const challenge = await t.http().get('/console').expect(401);
    expect(challenge.headers['www-authenticate']).toMatch(/^Basic realm="paycheck"/);
    await t.http().get('/console').set('Authorization', basic('key_wrong_00000000000')).expect(401);
    for (const authorization of [basic(KEY), `Bearer ${KEY}`]) {
      const res = await t.http().get('/console').set('Authorization', authorization).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<title>Paycheck console</title>');
    }
  });

  it.each([
    ['/console/', 'text/html; charset=utf-8'],
    ['/console/main.js', 'text/javascript; charset=utf-8'],
    ['/console/console.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s, revalidated on every load', async (path, type) => {
    const res = await t.http().get(path).set('Authorization', basic(KEY)).expect(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('sends a CSP that allows only its own origin, no eval, no inline code, no framing and no form navigation', async () => {
    const res = await t.http().get('/console').set('Authorization', basic(KEY)).expect(200);
    const policy = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(policy).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
      'require-trusted-types-for': "'script'",
      'trusted-types': "'none'",
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The API and the other tools keep theirs.
    const api = await t.http().get('/health/live').expect(200);
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it.each(['/console/notes.txt', '/console/nope.js', '/console/../package.json', '/console/%2e%2e/package.json'])(
    'answers %s with a 404 problem: only the built files are served',
    async (path) => {
      const res = await t.http().get(path).set('Authorization', basic(KEY));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );

  it('is read-only: other methods get 405 with Allow', async () => {
    const res = await t.http().post('/console').set('Authorization', basic(KEY)).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers 404 where the console is not built', async () => {
    const bare = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) }, { consoleDir: join(dir, 'missing') });
    try {
      await bare.http().get('/console').expect(404);
    } finally {
      await bare.close();
    }
  });

  it('is not served by a worker', async () => {
    const worker = await startTestApp({ APP_ROLE: 'worker', ...(await isolatedEnv()) }, { consoleDir: dir });
    try {
      await worker.http().get('/console').expect(404);
    } finally {
      await worker.close();
    }
  });
});
