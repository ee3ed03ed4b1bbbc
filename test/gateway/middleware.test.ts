/**
 * The three middleware flavours over one verifier: Express and Fastify on real sockets, the
 * Web-standard function on in-memory Requests. Each must pass a signed URL, refuse a tampered
 * one with the gateway's body, and answer JSON when asked.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { generateCredential, signUrl, type VerifierCredential } from '../../src/index.js';
import { createExpressMiddleware, createFastifyPlugin, createWebMiddleware } from '../../src/gateway/index.js';
import { exchange, rawRequest, type RawResponse } from '../support/raw-client.js';
import { rawGet } from './helpers.js';

const issued = generateCredential('google');
const record: VerifierCredential = { scheme: 'google', id: issued.id, secrets: [issued.credential.secret] };
const signed = signUrl(`http://host.test/geocode/json?address=Main+St&client=${issued.id}`, issued.credential).slice('http://host.test'.length);
const tampered = signed.replace('Main+St', 'Elm+St');

/** Runs the shared expectations against one mounted flavour. */
async function expectFlavour(name: string, base: string): Promise<void> {
  const ok = await rawGet(base, signed);
  assert.equal(ok.status, 200, name);
  assert.equal(JSON.parse(ok.body).client, issued.id, `${name}: verified result handed to the route`);
  const refused = await rawGet(base, tampered);
  assert.equal(refused.status, 403, name);
  assert.match(refused.body, /^403 Forbidden: SIGNATURE_MISMATCH\n/, name);
  const json = await rawGet(base, tampered, { accept: 'application/json' });
  assert.equal(JSON.parse(json.body).error.reason, 'SIGNATURE_MISMATCH', name);
  assert.equal((await rawGet(base, `/geocode/json?client=${issued.id}&signature=${'A'.repeat(3000)}`)).status, 414, name);
}

test('Express middleware', async (t) => {
  const app = express();
  app.use(createExpressMiddleware({ credentials: record }));
  app.get('/geocode/json', (_req, res) => {
    res.json({ client: (res.locals['mapsign'] as { credentialId: string }).credentialId });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  await expectFlavour('express', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

test('Fastify plugin', async (t) => {
  const app = Fastify();
  await app.register(createFastifyPlugin({ credentials: record }) as never);
  app.get('/geocode/json', async (request) => ({ client: (request as unknown as { mapsign: { credentialId: string } }).mapsign.credentialId }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  await expectFlavour('fastify', `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
});

test('Web-standard middleware on in-memory Requests', async () => {
  const check = createWebMiddleware({ credentials: (id) => (id === record.id ? record : undefined) });
  assert.equal(await check(new Request(`http://host.test${signed}`)), undefined);
  const refused = (await check(new Request(`http://host.test${tampered}`, { headers: { accept: 'application/json' } })))!;
  assert.equal(refused.status, 403);
  assert.equal(((await refused.json()) as { error: { reason: string } }).error.reason, 'SIGNATURE_MISMATCH');
  const unknown = (await check(new Request(`http://host.test/x?client=gme-other&signature=${'A'.repeat(28)}`)))!;
  assert.match(await unknown.text(), /^403 Forbidden: UNKNOWN_CREDENTIAL\n/);
});

/**
 * The contract's rules for the Node flavours, on raw sockets: an absolute-form target or a raw
 * '#' is a 400 with its reason, a POST a 405 (GET and HEAD only by default), every refusal is
 * `no-store` and `nosniff`, and a refused request never reaches the route.
 */
async function expectContract(name: string, base: string, reached: () => number): Promise<void> {
  const host = new URL(base).host;
  const rows: { name: string; method?: string; target: string; headers?: [string, string][]; status: number; reason: string; allow?: string }[] = [
    { name: 'absolute-form, another host', target: `http://other.example${signed}`, status: 400, reason: 'TARGET_NOT_ORIGIN_FORM' },
    { name: "absolute-form, the server's own host", target: `http://${host}${signed}`, status: 400, reason: 'TARGET_NOT_ORIGIN_FORM' },
    { name: "a raw '#' after the signature", target: `${signed}#frag`, status: 400, reason: 'FRAGMENT_NOT_ALLOWED' },
    { name: 'POST', method: 'POST', target: signed, headers: [['Content-Length', '0']], status: 405, reason: 'METHOD_NOT_ALLOWED', allow: 'GET, HEAD' },
    { name: 'DELETE', method: 'DELETE', target: signed, status: 405, reason: 'METHOD_NOT_ALLOWED', allow: 'GET, HEAD' },
    { name: 'a tampered URL', target: tampered, status: 403, reason: 'SIGNATURE_MISMATCH' },
  ];
  const titles: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 405: 'Method Not Allowed' };
  const problems: string[] = [];
  for (const row of rows) {
    const before = reached();
    const answer = await exchange(base, rawRequest({ method: row.method ?? 'GET', target: row.target, headers: [['Host', host], ...(row.headers ?? [])] }), { timeoutMs: 5000 });
    const label = `${name}: ${row.name}`;
    if (typeof answer === 'string') {
      problems.push(`${label}: no answer (${answer})`);
      continue;
    }
    const response: RawResponse = answer;
    const line = response.text.split('\n', 1)[0];
    if (reached() !== before) problems.push(`${label}: the route ran`);
    if (response.status !== row.status || line !== `${row.status} ${titles[row.status]}: ${row.reason}`) problems.push(`${label}: got ${response.status} ${JSON.stringify(line?.slice(0, 100))}, expected ${row.status} ${row.reason}`);
    if (response.status < 400) continue;
    if (response.header('cache-control') !== 'no-store') problems.push(`${label}: cache-control ${JSON.stringify(response.header('cache-control'))}, expected no-store`);
    if (response.header('x-content-type-options') !== 'nosniff') problems.push(`${label}: no nosniff`);
    if (row.allow !== undefined && response.header('allow') !== row.allow) problems.push(`${label}: Allow ${JSON.stringify(response.header('allow'))}, expected ${row.allow}`);
  }
  if (problems.length > 0) assert.fail(problems.join('\n'));
}

test('Express middleware: absolute-form and fragments are 400, POST 405, refusals no-store — and never reach the route', async (t) => {
  let reached = 0;
  const app = express();
  app.use(createExpressMiddleware({ credentials: record }));
  app.all('/geocode/json', (_req, res) => {
    reached += 1;
    res.json({ reached });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  await expectContract('express', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => reached);
});

test('Fastify plugin: absolute-form and fragments are 400, POST 405, refusals no-store — and never reach the route', async (t) => {
  let reached = 0;
  const app = Fastify();
  await app.register(createFastifyPlugin({ credentials: record }) as never);
  app.route({ method: ['GET', 'HEAD', 'POST', 'DELETE'], url: '/geocode/json', handler: async () => ({ reached: (reached += 1) }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  await expectContract('fastify', `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, () => reached);
});

test('Web-standard middleware: refusals are no-store and nosniff', async () => {
  const check = createWebMiddleware({ credentials: record });
  for (const url of [`http://host.test${tampered}`, 'http://host.test/geocode/json?address=x']) {
    const refused = (await check(new Request(url)))!;
    assert.equal(refused.status, 403, url);
    assert.equal(refused.headers.get('cache-control'), 'no-store', url);
    assert.equal(refused.headers.get('x-content-type-options'), 'nosniff', url);
  }
});
