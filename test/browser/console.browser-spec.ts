import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { SETTLEMENT_GATEWAY } from '@app/processing';
import { type HeadlessChromium, launchChromium } from '../support/headless-chromium';
import { ScriptedGateway } from '../support/scripted-gateway';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';
import { deliver } from '../support/webhooks';

// The console in a real browser: Debian's headless Chromium driven by playwright-core against the
// real application (API and worker in one process, a scripted settlement gateway), with API_KEYS
// set. UPDATE_SCREENSHOTS=1 writes the screenshots docs/console.md shows into docs/images;
// otherwise they go to a temporary folder (a test run leaves the repository as it was).

const ROOT = join(__dirname, '..', '..');
const KEY = 'key_console_5d1e9b3a7c2f4860';
/** Deadline for anything the page shows after an event: generous, for a busy 2-core machine. */
const SEEN_WITHIN_MS = 20_000;

describe('the operator console in headless Chromium', () => {
  let t: TestApp;
  let gateway: ScriptedGateway;
  let base: string;
  let browser: HeadlessChromium;
  let page: Page;
  let consoleDir: string;
  let shots: string;
  const pageErrors: string[] = [];
  let listLoads = 0;
  let pageLoads = 0;

  beforeAll(async () => {
    // The console as `npm run build` builds it, into a folder of this run's own.
    consoleDir = mkdtempSync(join(tmpdir(), 'paycheck-console-'));
    execFileSync(process.execPath, [join(ROOT, 'apps', 'console', 'build.js'), consoleDir], { stdio: 'inherit' });
    shots = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images') : join(consoleDir, 'screenshots');
    mkdirSync(shots, { recursive: true });

    t = await startTestApp(
      { APP_ROLE: 'all', ...(await isolatedEnv()), API_KEYS: KEY, PROCESSING_MAX_ATTEMPTS: '1' },
      { processing: { settlementGateway: ScriptedGateway }, consoleDir },
    );
    gateway = t.app.get(SETTLEMENT_GATEWAY, { strict: false });
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // The page itself is opened the way a browser opens /docs: the key as a Basic password.
    browser = await launchChromium({ viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'ops', password: KEY } });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The API's first 401 (before sign-in) is logged by Chromium itself; anything else is a fault.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) pageErrors.push(message.text());
    });
    page.on('request', (request) => {
      if (request.resourceType() === 'document') pageLoads += 1;
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/v1/transactions' && response.status() === 200) listLoads += 1;
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.queue.obliterate({ force: true });
    await t?.close();
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  const post = async (body: Record<string, unknown>) => {
    const delivery = await deliver(base, body);
    expect(delivery.status).toBe(202);
  };
  const transaction = (id: string, amount: number, currency = 'INR') => ({
    transaction_id: id,
    source_account: `src_${id}`,
    destination_account: `dst_${id}`,
    amount,
    currency,
  });
  const row = (id: string, status?: string) =>
    page.locator(`#transactions-body tr[data-id="${id}"]${status ? `[data-status="${status}"]` : ''}`);
  const seen = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'visible', timeout: SEEN_WITHIN_MS });
  // Locators and element callbacks only: the console's CSP forbids eval, so page.evaluate('…') strings fail.
  const focusedText = () => page.locator(':focus').textContent();

  it('asks for the API key once, in a labelled form, then goes live', async () => {
    await page.goto(`${base}/console`);
    const dialog = page.getByRole('dialog', { name: 'Sign in' });
    await seen(dialog);
    await page.screenshot({ path: join(shots, 'console-sign-in.png') });
    await page.getByLabel('API key').fill('key_wrong_0000000000000');
    await page.keyboard.press('Enter');
    await seen(page.getByText('That key was not accepted'));
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: SEEN_WITHIN_MS });
    await seen(page.locator('#live[data-state="live"]'));
  });

  it('shows a posted webhook without a reload, PROCESSING and then PROCESSED, its amount as exact text', async () => {
    const id = uniqueId('txn_console');
    gateway.hold((call) => call.transactionId === id);
    await post(transaction(id, 25.5));
    await seen(row(id, 'PROCESSING'));
    expect(await row(id).locator('td.num').textContent()).toBe('25.50 INR');
    expect(await page.locator('#list-message').textContent()).toBe(''); // not "No transactions match." any more
    gateway.release();
    await seen(row(id, 'PROCESSED'));

    for (const [amount, currency, shown] of [
      [1500, 'JPY', '1500 JPY'],
      [12.345, 'KWD', '12.345 KWD'],
      [2500, 'INR', '2500.00 INR'],
    ] as const) {
      const other = uniqueId('txn_console');
      await post(transaction(other, amount, currency));
      await seen(row(other, 'PROCESSED'));
      expect(await row(other).locator('td.num').textContent()).toBe(shown);
    }
  });

  it('shows a FAILED one, opens it by keyboard, retries it and sees it PROCESSED with its timeline and ledger legs', async () => {
    const id = uniqueId('txn_console_fail');
    gateway.failFirst.set(id, 1);
    await post(transaction(id, 99.99));
    await seen(row(id, 'FAILED'));

    await page.getByRole('link', { name: id, exact: true }).focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('#detail');
    await seen(detail.getByRole('heading', { name: `Transaction ${id}` }));
    expect(await focusedText()).toBe(`Transaction ${id}`);
    await seen(detail.locator('.timeline li[data-type="failed"]'));
    expect(await detail.locator('dd', { hasText: 'provider declined attempt 1' }).count()).toBe(1);

    await detail.getByRole('button', { name: 'Retry', exact: true }).focus();
    await page.keyboard.press('Enter');
    await seen(detail.locator('.fields .status-processed'));
    await seen(row(id, 'PROCESSED'));
    await seen(detail.locator('.timeline li[data-type="retried"]'));
    await seen(detail.locator('.timeline li[data-type="processed"]'));
    const legs = detail.locator('table tbody tr');
    await legs.first().waitFor({ timeout: SEEN_WITHIN_MS });
    expect((await legs.allTextContents()).sort()).toEqual([`dst_${id}credit99.99 INR`, `src_${id}debit99.99 INR`]);
    await page.screenshot({ path: join(shots, 'console-desktop.png') });

    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden', timeout: SEEN_WITHIN_MS });
    expect(await focusedText()).toBe(id);
  });

  it('re-queues every FAILED transaction and says how many', async () => {
    const id = uniqueId('txn_console_bulk');
    gateway.failFirst.set(id, 1);
    await post(transaction(id, 10));
    await seen(row(id, 'FAILED'));
    const confirm = page.getByRole('button', { name: 'Re-queue them' });
    expect(await confirm.isVisible()).toBe(false);
    // Escape backs out of the confirmation, and focus goes back to the button that asked.
    await page.getByRole('button', { name: 'Retry all failed…' }).click();
    await seen(confirm);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden', timeout: SEEN_WITHIN_MS });
    expect(await focusedText()).toBe('Retry all failed…');
    await page.keyboard.press('Enter');
    expect(await focusedText()).toBe('Re-queue them');
    await page.keyboard.press('Enter');
    await seen(page.getByText('Re-queued 1 failed transaction.'));
    await seen(row(id, 'PROCESSED'));
  });

  it("looks up an account's balances, as the API's decimal strings", async () => {
    const id = uniqueId('txn_console_balance');
    await post(transaction(id, 7.1));
    await seen(row(id, 'PROCESSED'));
    const form = page.locator('#balance-form');
    await form.getByLabel('Account').fill(`src_${id}`);
    await form.getByRole('button', { name: 'Look up' }).click();
    await seen(page.locator('#balance-body dd'));
    expect(await page.locator('#balance-body').textContent()).toBe('INR-7.10 INR');
  });

  it('shows the headline numbers, refreshed by the events', async () => {
    // Seven processed so far: one, three currencies, the retried one, the bulk-retried one, the balance's.
    await seen(page.locator('#stats-body .status-processed dd', { hasText: /^7$/ }));
    expect(await page.locator('#stats-body .status-failed dd').textContent()).toBe('0');
  });

  it('filters by status and account', async () => {
    await page.getByLabel('Status').selectOption('PROCESSED');
    await page.locator('#filters').getByLabel('Account').fill('no_such_account');
    await page.locator('#filters').getByRole('button', { name: 'Apply' }).click();
    await seen(page.getByText('No transactions match.'));
    await page.locator('#filters').getByLabel('Account').fill('');
    await page.locator('#filters').getByRole('button', { name: 'Apply' }).click();
    await seen(page.locator('#transactions-body tr').first());
    const statuses = await page.locator('#transactions-body tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['PROCESSED']));
    await page.getByLabel('Status').selectOption('');
    await page.locator('#filters').getByRole('button', { name: 'Apply' }).click();
  });

  it('is usable at 390×844: one column, nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const wider = await page
      .locator('body *')
      .evaluateAll((elements) =>
        elements.filter((e) => e.getBoundingClientRect().right > 390.5).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
      );
    expect(wider).toEqual([]);
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    for (const control of [page.getByRole('button', { name: 'Apply' }), page.getByRole('button', { name: 'Look up' })]) {
      const box = await control.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    const id = uniqueId('txn_phone');
    await post(transaction(id, 3.5));
    await seen(row(id, 'PROCESSED'));
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'console-phone.png') });
  });

  it('did all of it on one page load, listing once, with no request off the machine and no page error', async () => {
    expect(pageLoads).toBe(1);
    // The filters reloaded the list three times; the stream did all the rest.
    expect(listLoads).toBe(4);
    expect(browser.blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
