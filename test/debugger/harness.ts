/**
 * Shared set-up for the debugger's browser tests: builds the page, serves it from a real
 * node:http server on 127.0.0.1 (through src/debugger/page.ts, as the gateway does), drives
 * Debian's Chromium through playwright-core, and saves screenshots to test-artifacts/debugger/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEBUGGER_PAGE_FILE, DEBUGGER_PAGE_HEADERS, debuggerPage } from '../../src/debugger/page.js';

const ROOT = new URL('../../', import.meta.url);
const ARTIFACTS = join(ROOT.pathname, 'test-artifacts', 'debugger');
export const CHROMIUM = '/usr/bin/chromium';

/** Google's official example (Google Maps Platform: Authentication and Authorization, digital signatures). */
export const GOOGLE_EXAMPLE = {
  url: 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=',
  secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=',
  signature: 'chaRF2hTJKOScPr-RQCEhZbSzIE=',
  signedString: '/maps/api/geocode/json?address=New+York&client=clientID',
} as const;

const pageProblems = new WeakMap<Page, string[]>();

/** A running browser, the page server and where the page is. */
export interface Harness {
  readonly context: BrowserContext;
  readonly servedUrl: string;
  readonly fileUrl: string;
  /** Requests the page server has received so far. */
  readonly hits: () => number;
  /** Opens the page (served by default) and waits until its script has run. */
  open(where?: 'served' | 'file'): Promise<Page>;
  /** Saves a screenshot (the full page unless `fullPage` is false) as test-artifacts/debugger/NAME.png. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Builds the page (so tests always run the current source) and starts everything. */
export async function startHarness(): Promise<Harness> {
  execFileSync(process.execPath, [join(ROOT.pathname, 'scripts', 'build-debugger.mjs')], { stdio: 'pipe', timeout: 60_000 });
  let hits = 0;
  const server = createServer((request, response) => {
    hits++;
    if (request.url === '/debugger') response.writeHead(200, DEBUGGER_PAGE_HEADERS).end(debuggerPage());
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const port = await listen(server);
  const profile = mkdtempSync(join(tmpdir(), 'mapsign-web-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context.setDefaultTimeout(15_000);
  const servedUrl = `http://127.0.0.1:${port}/debugger`;
  const fileUrl = pathToFileURL(DEBUGGER_PAGE_FILE).href;
  return {
    context,
    servedUrl,
    fileUrl,
    hits: () => hits,
    async open(where = 'served') {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      pageProblems.set(page, problems);
      await page.goto(where === 'served' ? servedUrl : fileUrl);
      await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' });
      return page;
    },
    async shot(page, name, fullPage = true) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
    },
    async close() {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors and uncaught exceptions a page produced (CSP violations included). */
export function problemsOf(page: Page): readonly string[] {
  return pageProblems.get(page) ?? [];
}

/** Fills the check form and submits it; resolves once the verdict is shown. */
export async function checkUrl(page: Page, url: string, secret: string, scheme = 'guess'): Promise<void> {
  await page.getByLabel('Signed URL', { exact: true }).fill(url);
  await page.locator('#check-form').getByLabel('Scheme', { exact: true }).selectOption(scheme);
  await page.getByLabel('Secret, or MapTiler token (optional)', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Check signature' }).click();
  await page.locator('#check-result :is([data-testid="verdict"], [role="alert"])').waitFor();
}

/** True when the page scrolls sideways (something overflows the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth || document.body.scrollWidth > document.body.clientWidth);
}
