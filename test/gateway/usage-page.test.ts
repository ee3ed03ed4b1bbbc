/**
 * The usage page in real Chromium against a real gateway's admin listener with seeded usage:
 * the token is asked for, kept in sessionStorage only and sent as a header (never in a URL or a
 * cookie); the chart's bars and the table show the seeded numbers; the strict policy holds (no
 * console errors, no request leaving the admin listener on 127.0.0.1); a screenshot is saved as
 * test-artifacts/usage-page.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHART_OUTCOMES } from '../../src/gateway/usage-chart.js';
import { openSqliteStore } from '../../src/store/index.js';
import { startTestGateway, startUpstream } from './helpers.js';

const TOKEN = 'admin-token-for-the-usage-page-0123';
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(new URL('../../', import.meta.url).pathname, 'test-artifacts');
const DAY_MS = 86_400_000;
const HOSTILE_LABEL = 'Tiles <b>beta</b> & "co"';

/** Seeded usage over the 14 days up to today: per credential, day index → [ok, refused, failed]. */
const SEED: Readonly<Record<string, (i: number) => [number, number, number]>> = {
  'gme-acme': (i) => [20 + 3 * i, i % 3, i % 5 === 0 ? 2 : 0],
  'key-tiles': (i) => [i % 2 === 0 ? 8 : 0, 1, 0],
  '': (i) => [0, i % 4 === 0 ? 5 : 0, 0],
};

function utcDay(offset: number): string {
  return new Date(Date.now() - offset * DAY_MS).toISOString().slice(0, 10);
}

test('the usage page in Chromium: token prompt, chart and table of the seeded usage, no request off the admin listener', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { admin: { listen: { port: 0, host: '127.0.0.1' }, token: TOKEN } });
  const admin = gateway.adminAddress!;
  assert.match(admin, /^http:\/\/127\.0\.0\.1:\d+$/);

  const expected = new Map<string, number>();
  const seeder = openSqliteStore(dbFile);
  try {
    await seeder.insertCredential({ id: 'gme-acme', scheme: 'google', label: 'Acme web', secretText: 'c2VjcmV0LWZvci10ZXN0cw==', createdAt: Date.now() });
    await seeder.insertCredential({ id: 'key-tiles', scheme: 'streetmaps', label: HOSTILE_LABEL, secretText: 'c2VjcmV0LWZvci10ZXN0cw==', createdAt: Date.now() });
    const deltas = [];
    for (const [credentialId, counts] of Object.entries(SEED)) {
      for (let i = 0; i < 14; i++) {
        const [ok, refused, failed] = counts(i);
        const day = utcDay(13 - i);
        expected.set(`${credentialId}/${day}`, ok + refused + failed);
        if (ok > 0) deltas.push({ day, hour: 10, credentialId, channel: '', outcome: 'ok', count: ok });
        if (refused > 0) deltas.push({ day, hour: 11, credentialId, channel: '', outcome: credentialId === '' ? 'UNKNOWN_CREDENTIAL' : 'SIGNATURE_MISMATCH', count: refused });
        if (failed > 0) deltas.push({ day, hour: 12, credentialId, channel: '', outcome: 'UPSTREAM_5XX', count: failed });
      }
    }
    await seeder.recordUsage(deltas, 'seed');
  } finally {
    await seeder.close();
  }
  const grandTotal = [...expected.values()].reduce((a, b) => a + b, 0);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  context.setDefaultTimeout(15_000);
  const requests: { url: string; authorization: string | undefined }[] = [];
  context.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers()['authorization'] }));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });

  const response = await page.goto(`${admin}/usage/page`);
  assert.equal(response!.status(), 200);
  assert.match(response!.headers()['content-security-policy']!, /^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self';/);
  await page.locator('html[data-state="token"]').waitFor({ state: 'attached' });

  // A wrong token is refused and forgotten.
  await page.getByLabel('Admin token').fill('not-the-admin-token-000');
  await page.getByRole('button', { name: 'Show usage' }).click();
  await page.getByRole('status').filter({ hasText: 'The token was refused' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  await page.getByLabel('Admin token').fill(TOKEN);
  await page.getByRole('button', { name: 'Show usage' }).click();
  await page.locator('html[data-state="ready"]').waitFor({ state: 'attached' });

  // Every bar: its segments add up to its total, which is the seeded number for that credential and day.
  const bars = await page.locator('svg.usage-chart g.bar').evaluateAll((nodes) =>
    nodes.map((node) => ({
      key: `${node.getAttribute('data-credential')}/${node.getAttribute('data-day')}`,
      total: Number(node.getAttribute('data-total')),
      segments: [...node.querySelectorAll('rect')].map((rect) => ({ outcome: rect.getAttribute('data-outcome')!, count: Number(rect.getAttribute('data-count')), height: (rect as SVGRectElement).getBBox().height, fill: getComputedStyle(rect).fill })),
    })),
  );
  assert.equal(bars.length, 3 * 30, 'three credentials (one of them "no known credential") over the default 30 days');
  for (const bar of bars) {
    assert.equal(bar.segments.reduce((sum, s) => sum + s.count, 0), bar.total, bar.key);
    assert.equal(bar.total, expected.get(bar.key) ?? 0, bar.key);
  }
  // Drawn heights: the busiest day of Acme (20 + 39 ok, 1 refused, 0 failed) fills the 64-unit plot.
  const busiest = bars.find((bar) => bar.key === `gme-acme/${utcDay(0)}`)!;
  assert.deepEqual(busiest.segments.map((s) => [s.outcome, s.count, Math.round(s.height * 100) / 100]), [['ok', 59, 62.93], ['refused', 1, 1.07]]);
  const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
  for (const segment of bars.flatMap((bar) => bar.segments)) assert.equal(segment.fill, rgb(CHART_OUTCOMES.find((o) => o.key === segment.outcome)!.colour));

  // Titles, totals and the table agree; the hostile label is text, not markup.
  const titles = await page.locator('svg.usage-chart .panel-title').allTextContents();
  const acmeTotal = [...expected].filter(([key]) => key.startsWith('gme-acme/')).reduce((sum, [, n]) => sum + n, 0);
  assert.equal(titles[0], `Acme web (gme-acme) — ${acmeTotal} requests (ok ${Array.from({ length: 14 }, (_, i) => 20 + 3 * i).reduce((a, b) => a + b)}, refused ${Array.from({ length: 14 }, (_, i) => i % 3).reduce((a, b) => a + b)}, failed 6)`);
  assert.ok(titles.some((title) => title.startsWith(`${HOSTILE_LABEL} (key-tiles) — `)), titles.join(' | '));
  assert.equal(await page.locator('#report b').count(), 0, 'a label never becomes an element');
  assert.match((await page.locator('.summary').textContent())!, new RegExp(`^${grandTotal} requests from ${utcDay(29)} to ${utcDay(0)} \\(UTC\\)`));
  assert.equal(await page.locator('svg.usage-chart').getAttribute('data-total'), String(grandTotal));
  const footer = await page.locator('table.usage-table tfoot td').allTextContents();
  assert.deepEqual(footer.slice(0, 3), ['All', '', '']);
  assert.equal(footer[6], String(grandTotal));
  assert.equal(await page.locator('table.usage-table tbody tr').count(), [...expected.values()].filter((n) => n > 0).length);
  assert.deepEqual(await page.locator('svg.usage-chart .legend-item text').allTextContents(), CHART_OUTCOMES.map((o) => o.legend));
  const colours = await page.evaluate(() => ({ text: getComputedStyle(document.body).color, background: getComputedStyle(document.documentElement).backgroundColor, chartText: getComputedStyle(document.querySelector('svg.usage-chart text')!).fill }));
  assert.deepEqual(colours, { text: 'rgb(26, 26, 26)', background: 'rgb(255, 255, 255)', chartText: 'rgb(26, 26, 26)' }, 'dark text on light');

  // A narrower range from the form.
  await page.getByLabel('From (UTC day)').fill(utcDay(2));
  await page.getByLabel('To (UTC day, included)').fill(utcDay(0));
  await page.getByRole('button', { name: 'Update' }).click();
  await page.locator(`section.usage[data-since="${utcDay(2)}"]`).waitFor();
  await page.locator('html[data-state="ready"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('svg.usage-chart g.bar').count(), 3 * 3);
  await page.getByLabel('From (UTC day)').fill(utcDay(29));
  await page.getByRole('button', { name: 'Update' }).click();
  await page.locator(`section.usage[data-since="${utcDay(29)}"]`).waitFor();

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'usage-page.png'), fullPage: true });

  // The token lives in this tab's sessionStorage only: a reload needs no prompt; no cookie; never in a URL.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('mapsign-admin-token')), TOKEN);
  assert.deepEqual(await context.cookies(), []);
  await page.reload();
  await page.locator('html[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Forget token' }).click();
  await page.locator('html[data-state="token"]').waitFor({ state: 'attached' });
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  // The one console line expected: Chromium reports the wrong token's 401.
  assert.deepEqual(problems, ['console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)'], requests.map((r) => r.url).join('\n'));
  assert.ok(requests.length >= 6, `${requests.length} requests recorded`);
  for (const request of requests) {
    assert.ok(request.url.startsWith(`${admin}/usage/`), `request off the admin listener's usage paths: ${request.url}`);
    assert.ok(!request.url.includes(TOKEN), 'the token is never in a URL');
  }
  const chartRequests = requests.filter((request) => request.url.startsWith(`${admin}/usage/chart`));
  assert.ok(chartRequests.length >= 4 && chartRequests.slice(1).every((request) => request.authorization === `Bearer ${TOKEN}`), 'the chart is fetched with the token as a header');
  assert.equal(upstream.seen.length, 0, 'nothing reached the upstream');
});
