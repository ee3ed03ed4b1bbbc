/**
 * The signing service in real Chromium. A stand-in of the provider (node:http) answers an image
 * only to URLs that verify with the library; the service signs for one origin; pages are served
 * from that origin and from another (a different port is a different origin). The allowed page
 * shows an `<img>` loaded through the 302 and reads `{"url"}` and every refusal's reason with
 * `fetch`; the other page gets no image and no readable answer, and the provider never hears
 * from it. Every request and response the browser saw (URLs, headers, bodies) is searched for
 * the secret.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseCredential, verifyUrl } from '../../src/index.js';
import { createNodeSigningHandler, parsePolicy, type SignEvent } from '../../src/signer/index.js';
import { CHROMIUM } from '../debugger/harness.js';
import { GOOGLE_SECRET } from './helpers.js';

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** The secret as text in every form it could leak in. */
const SECRET_FORMS = [GOOGLE_SECRET, GOOGLE_SECRET.replace(/-/g, '+').replace(/_/g, '/'), Buffer.from(GOOGLE_SECRET, 'base64url').toString('hex')];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const servers: Server[] = [];
const provided: { url: string; valid: boolean }[] = [];
const events: SignEvent[] = [];
let browser: Browser;
let signer = '';
let allowedPage = '';
let otherPage = '';

/** A page that loads `image` in an `<img>` and runs `script` (which sets `window.results`). */
function html(image: string, script: string): string {
  return `<!doctype html><meta charset="utf-8"><title>map</title>
<img id="map" src="${image}" onload="document.title='loaded'" onerror="document.title='failed'">
<script>window.results = (async () => { ${script} })();</script>`;
}

async function servePage(body: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body));
  servers.push(server);
  return listen(server);
}

/** Every URL, header and body the browser saw, as one text. */
function recordNetwork(page: Page): () => Promise<string> {
  const parts: Promise<string>[] = [];
  page.on('request', (request) => parts.push(request.allHeaders().then((headers) => `${request.method()} ${request.url()}\n${JSON.stringify(headers)}`)));
  page.on('response', (response) =>
    parts.push(
      (async () => {
        const body = response.status() >= 300 && response.status() < 400 ? '' : await response.body().then((b) => b.toString('latin1'), () => '');
        return `${response.status()} ${response.url()}\n${JSON.stringify(await response.allHeaders())}\n${body}`;
      })(),
    ),
  );
  return async () => (await Promise.all(parts)).join('\n');
}

describe('the signing service in Chromium', () => {
  before(async () => {
    const credential = parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret: GOOGLE_SECRET });
    const provider = createServer((req: IncomingMessage, res) => {
      const url = `http://${req.headers.host}${req.url}`;
      const valid = verifyUrl(url, credential).valid;
      provided.push({ url, valid });
      if (valid) res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
      else res.writeHead(403, { 'content-type': 'text/plain' }).end('The provided signature is invalid.');
    });
    servers.push(provider);
    const providerUrl = await listen(provider);
    const signerServer = createServer();
    servers.push(signerServer);
    signer = await listen(signerServer);
    // The pages' ports are known once they listen; the policy names the allowed one.
    const allowedServer = createServer();
    servers.push(allowedServer);
    const allowedOrigin = await listen(allowedServer);
    const route = { url: `${providerUrl}/maps/api/staticmap`, scheme: 'google', key: 'AIzaSyTEST' } as const;
    const center = { pattern: '-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?' };
    const policy = parsePolicy({
      allowedOrigins: [allowedOrigin],
      routes: {
        staticmap: { ...route, params: { center, zoom: { integer: [0, 21] }, size: { pattern: '\\d{1,3}x\\d{1,3}' } }, required: ['center', 'size'] },
        burst: { ...route, params: { center }, limits: { perClientPerMinute: 3 } },
        budget: { ...route, params: { center }, limits: { dailyBudget: 2 } },
      },
    });
    signerServer.on('request', createNodeSigningHandler({ policy, secrets: { MAPSIGN_SECRET: GOOGLE_SECRET }, onCount: (event) => events.push(event) }));

    const reasons = `
      const reason = async (path) => { const r = await fetch('${signer}' + path, { headers: { accept: 'application/json' }, cache: 'no-store' }); const b = await r.json(); return [r.status, b.error?.reason ?? 'signed', b.error?.parameter ?? null]; };
      const json = await (await fetch('${signer}/staticmap?center=48.85,2.35&size=64x64', { headers: { accept: 'application/json' } })).json();
      const out = { url: json.url };
      out.disallowed = await reason('/staticmap?center=48.85,2.35&size=64x64&zoom=99');
      out.unknown = await reason('/staticmap?center=48.85,2.35&size=64x64&key=AIzaStolen');
      out.burst = [];
      for (const c of ['1,1', '2,2', '3,3', '4,4']) out.burst.push(await reason('/burst?center=' + c));
      out.budget = [];
      for (const c of ['1,1', '2,2', '3,3']) out.budget.push(await reason('/budget?center=' + c));
      return out;`;
    allowedServer.on('request', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(`${signer}/staticmap?center=48.85,2.35&size=64x64&zoom=12`, reasons)));
    allowedPage = `${allowedOrigin}/`;
    otherPage = await servePage(
      html(
        `${signer}/staticmap?center=40.7,-74&size=64x64`,
        `try { await fetch('${signer}/staticmap?center=40.7,-74&size=64x64', { headers: { accept: 'application/json' } }); return 'read'; } catch (error) { return 'blocked: ' + error.name; }`,
      ),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) server.close();
  });

  it('an allowed page shows the image through the 302 and reads the JSON answer and every refusal’s reason', async () => {
    const page = await browser.newPage();
    const network = recordNetwork(page);
    await page.goto(allowedPage);
    await page.waitForFunction(() => document.title !== 'map');
    assert.equal(await page.title(), 'loaded');
    assert.ok(await page.$eval('#map', (img) => (img as HTMLImageElement).naturalWidth === 1));
    const results = (await page.evaluate('window.results')) as Record<string, unknown>;
    assert.equal(verifyUrl(results['url'] as string, parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret: GOOGLE_SECRET })).valid, true);
    assert.deepEqual(results['disallowed'], [400, 'PARAMETER_NOT_ALLOWED', 'zoom']);
    assert.deepEqual(results['unknown'], [400, 'UNKNOWN_PARAMETER', 'key']);
    assert.deepEqual(results['burst'], [[200, 'signed', null], [200, 'signed', null], [200, 'signed', null], [429, 'RATE_LIMITED', null]]);
    assert.deepEqual(results['budget'], [[200, 'signed', null], [200, 'signed', null], [429, 'BUDGET_EXHAUSTED', null]]);
    assert.deepEqual(
      provided.filter((hit) => hit.url.includes('zoom=12')).map((hit) => hit.valid),
      [true],
      'the provider received the image request once, validly signed',
    );
    const seen = await network();
    assert.ok(seen.includes('signature='), 'the log holds the signed URLs');
    for (const form of SECRET_FORMS) assert.ok(!seen.includes(form), 'the secret is nowhere in the network log');
    await page.close();
  });

  it('a page on another origin gets no image, no readable answer, and no signature reaches the provider', async () => {
    const before = provided.length;
    const page = await browser.newPage();
    const network = recordNetwork(page);
    await page.goto(otherPage);
    await page.waitForFunction(() => document.title !== 'map');
    assert.equal(await page.title(), 'failed');
    assert.equal(await page.evaluate('window.results'), 'blocked: TypeError');
    assert.equal(provided.length, before, 'the provider heard nothing from this page');
    const refused = events.filter((event) => event.origin === '(not allowed)');
    assert.deepEqual(refused.map((event) => event.outcome), ['ORIGIN_NOT_ALLOWED', 'ORIGIN_NOT_ALLOWED'], 'the image and the fetch were both refused');
    const seen = await network();
    assert.ok(!seen.includes('signature='), 'no signature in anything this page saw');
    for (const form of SECRET_FORMS) assert.ok(!seen.includes(form));
    await page.close();
  });
});
