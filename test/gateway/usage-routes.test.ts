/**
 * The usage page's routes on the admin API, with in-memory Requests over a real SQLite store:
 * the shell is the one path served without the token and its Content-Security-Policy allows
 * exactly its own inline script and style; the chart, `/usage` with `until` and `by=hour`, and
 * any extra `routes` all need the token; the chart refuses unknown query parameters.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createAdminApi } from '../../src/gateway/admin-api.js';
import { usageRoutes, withUsagePage } from '../../src/gateway/usage-routes.js';
import { openSqliteStore } from '../../src/store/index.js';

const TOKEN = 'admin-token-for-tests-0123456789';
/** The chart's clock: midday UTC on the fixtures' last day. */
const NOW = Date.UTC(2026, 2, 2, 12);

async function setUp(t: import('node:test').TestContext) {
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  await store.insertCredential({ id: 'gme-acme', scheme: 'google', label: 'Acme web', secretText: 'c2VjcmV0', createdAt: 0 });
  await store.recordUsage([
    { day: '2026-03-01', hour: 7, credentialId: 'gme-acme', channel: '', outcome: 'ok', count: 3 },
    { day: '2026-03-02', hour: 8, credentialId: 'gme-acme', channel: '', outcome: 'UPSTREAM_5XX', count: 1 },
  ]);
  let extraCalls = 0;
  const handler = withUsagePage(createAdminApi({ store, token: TOKEN, routes: { ...usageRoutes(store, () => NOW), '/extra': async () => (extraCalls++, new Response('extra')) } }));
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
    handler(new Request(`http://127.0.0.1${path}`, { ...init, headers: init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` } }));
  return { call, extraCalls: () => extraCalls };
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

test('the page shell needs no token, holds no data, and its policy allows only its own inline script and style', async (t) => {
  const { call } = await setUp(t);
  const page = await call('/usage/page', { token: null });
  assert.equal(page.status, 200);
  const html = await page.text();
  const csp = page.headers.get('content-security-policy')!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  assert.equal(csp, `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  assert.equal(html.match(/<script/g)!.length, 1);
  assert.doesNotMatch(html, /https?:\/\/|gme-acme|src=|href=/, 'no external reference, no data');
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  assert.equal((await call('/usage/page', { token: null, method: 'HEAD' })).status, 200);
  const posted = await call('/usage/page', { token: null, method: 'POST', body: 'token=x' });
  assert.equal(posted.status, 405);
  assert.equal(posted.headers.get('allow'), 'GET, HEAD');
  assert.equal((await call('/usage/page/', { token: null })).status, 401, 'only the exact path is open');
});

test('the chart and table need the token; they default to the 30 days up to today and refuse a bad range', async (t) => {
  const { call, extraCalls } = await setUp(t);
  for (const token of [null, 'wrong-token-0123456789']) assert.equal((await call('/usage/chart?since=2026-03-01&until=2026-03-02', { token })).status, 401);
  const chart = await call('/usage/chart?since=2026-03-01&until=2026-03-02');
  assert.equal(chart.status, 200);
  const fragment = await chart.text();
  assert.match(fragment, /^<section class="usage" data-since="2026-03-01" data-until="2026-03-02" data-total="4">/);
  assert.match(fragment, /<strong>4<\/strong> requests from 2026-03-01 to 2026-03-02 \(UTC\): 3 ok, 0 refused, 1 failed\./);
  assert.match(fragment, /Acme web \(gme-acme\) — 4 requests/);
  const defaulted = await (await call('/usage/chart')).text();
  assert.match(defaulted, /^<section class="usage" data-since="2026-02-01" data-until="2026-03-02" data-total="4">/, 'the 30 days up to today');
  const refusals: [string, RegExp][] = [
    ['/usage/chart?since=2026-03-02&until=2026-03-01', /until 2026-03-01 is before since 2026-03-02/],
    ['/usage/chart?since=2025-01-01&until=2026-03-01', /at most 366 days/],
    ['/usage/chart?since=2026-02-30', /since takes a real UTC day/],
  ];
  for (const [path, message] of refusals) {
    const refused = await call(path);
    assert.equal(refused.status, 400, path);
    const body = (await refused.json()) as { error: { reason: string; message: string } };
    assert.equal(body.error.reason, 'INVALID_INPUT', path);
    assert.match(body.error.message, message, path);
  }
  const misspelt = await call('/usage/chart?sinse=2026-03-01');
  assert.equal(misspelt.status, 400);
  assert.deepEqual(((await misspelt.json()) as { error: unknown }).error, { status: 400, reason: 'UNKNOWN_FIELD', message: 'Unknown query parameter "sinse". Did you mean since? Known parameters: since, until.', field: 'sinse' });
  const twice = (await (await call('/usage/chart?until=2026-03-01&until=2026-03-02')).json()) as { error: { reason: string; field: string } };
  assert.deepEqual([twice.error.reason, twice.error.field], ['INVALID_FIELD', 'until']);
  const head = await call('/usage/chart', { method: 'HEAD' });
  assert.deepEqual([head.status, head.headers.get('allow')], [405, 'GET'], 'the admin API lets only GET reach a page');
  assert.equal((await call('/extra', { token: null })).status, 401);
  assert.equal(extraCalls(), 0, 'an extra route is never reached without the token');
  assert.equal(await (await call('/extra')).text(), 'extra');
});

test('GET /usage takes until and by=hour and names each credential\'s label', async (t) => {
  const { call } = await setUp(t);
  const hourly = (await (await call('/usage?by=hour&until=2026-03-01')).json()) as unknown[];
  assert.deepEqual(hourly, [{ group: { hour: '2026-03-01T07:00Z' }, ok: 3, refused: 0, failed: 0, total: 3, outcomes: { ok: 3 } }]);
  const clients = (await (await call('/usage?since=2026-03-02&until=2026-03-02')).json()) as unknown[];
  assert.deepEqual(clients, [{ group: { credentialId: 'gme-acme' }, label: 'Acme web', ok: 0, refused: 0, failed: 1, total: 1, outcomes: { UPSTREAM_5XX: 1 } }]);
  const wrong = await call('/usage?since=2026-03-02&until=2026-03-01');
  assert.equal(wrong.status, 400);
});
