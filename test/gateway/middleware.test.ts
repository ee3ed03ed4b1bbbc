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
