import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Deadline for the browser to start. */
const LAUNCH_TIMEOUT_MS = 30_000;

/** Nothing that reaches out of the machine, nothing that waits on a GPU or a first-run screen. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface HeadlessChromium {
  context: BrowserContext;
  /** Every request the pages tried to send off the machine (each was aborted). */
  blocked: string[];
  close: () => Promise<void>;
}

/**
 * Headless Chromium with a fresh profile in a temporary folder, and every non-local request
 * aborted and recorded, so a test can assert that a page needs nothing from outside.
 */
export async function launchChromium(options: BrowserContextOptions = {}): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No browser at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'paycheck-chromium-'));
  const blocked: string[] = [];
  let context: BrowserContext;
  try {
    // A persistent context is how Playwright takes a profile folder (it refuses --user-data-dir in args).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      timeout: LAUNCH_TIMEOUT_MS,
      ...options,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  await context.route('**', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    blocked,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
