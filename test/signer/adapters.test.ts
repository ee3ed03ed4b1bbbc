/**
 * The Node adapters on real sockets: `node:http`-style handler mounted in Express under
 * `/sign`, and the Fastify plugin under the prefix `/sign`. Each answers what the `fetch`
 * handler answers — a 302 the provider verifies, a JSON refusal with its reason, a preflight —
 * and feeds the per-client limit with the socket's address.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { createSigner } from '../../src/index.js';
import { createFastifySigningPlugin, createNodeSigningHandler } from '../../src/signer/index.js';
import { rawGet } from '../gateway/helpers.js';
import { APP_ORIGIN, testOptions, verifiedBy } from './helpers.js';

/** The expectations every adapter meets, at `base` + `/sign`. */
async function expectAdapter(name: string, base: string): Promise<void> {
  const signed = await rawGet(base, '/sign/staticmap?center=48.85,2.35&size=600x300&label=5th%26Main', { origin: APP_ORIGIN });
  assert.equal(signed.status, 302, `${name}: ${signed.body}`);
  assert.equal(verifiedBy(signed.headers.location!).valid, true, name);
  assert.equal(new URL(signed.headers.location!).searchParams.get('label'), '5th&Main', name);
  assert.equal(signed.headers['access-control-allow-origin'], APP_ORIGIN, name);
  assert.equal(signed.headers['cache-control'], 'public, max-age=600', name);
  const json = await rawGet(base, '/sign/staticmap?center=48.85,2.35&size=600x300', { origin: APP_ORIGIN, accept: 'application/json' });
  const url = JSON.parse(json.body).url as string;
  assert.ok(url.startsWith('https://maps.googleapis.com/maps/api/staticmap?center=48.85%2C2.35&size=600x300&scale=2&key=AIzaSyTEST&signature='), name);
  assert.equal(verifiedBy(url).valid, true, name);
  const refused = await rawGet(base, '/sign/staticmap?center=48.85,2.35&size=600x300&style=x', { origin: APP_ORIGIN });
  assert.equal(refused.status, 400, name);
  assert.deepEqual([JSON.parse(refused.body).error.reason, JSON.parse(refused.body).error.parameter], ['UNKNOWN_PARAMETER', 'style'], name);
  const preflight = await rawGet(base, '/sign/staticmap', { origin: APP_ORIGIN, 'access-control-request-method': 'GET' }, 'OPTIONS');
  assert.equal(preflight.status, 204, name);
  const burst = [];
  for (let i = 0; i < 4; i++) burst.push((await rawGet(base, '/sign/burst?center=1,2', { origin: APP_ORIGIN })).status);
  assert.deepEqual(burst, [302, 302, 302, 429], `${name}: the socket's address is the client`);
  assert.equal((await rawGet(base, '/sign/staticmap?center=1,2&size=1x1', { origin: 'https://evil.example' })).status, 403, name);
}

test('the node:http handler, mounted in Express', async (t) => {
  const app = express();
  app.use('/sign', createNodeSigningHandler(testOptions({ createSigner })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  await expectAdapter('express', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

test('behind a trusted proxy, X-Forwarded-For names the client; from anyone else it is ignored', async (t) => {
  for (const [trustProxy, expected] of [
    [['loopback'], [302, 302, 302, 302]],
    [['10.0.0.5'], [302, 302, 302, 429]],
  ] as const) {
    const server = createServer(createNodeSigningHandler(testOptions({ trustProxy })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const statuses = [];
    // Four clients, as a proxy reports them: the last entry is the one it appended.
    for (let i = 1; i <= 4; i++) statuses.push((await rawGet(base, '/burst?center=1,2', { origin: APP_ORIGIN, 'x-forwarded-for': `198.51.100.99, 203.0.113.${i}` })).status);
    assert.deepEqual(statuses, expected, `trustProxy ${trustProxy.join()}`);
  }
});

test('the Fastify plugin, under a prefix', async (t) => {
  const app = Fastify();
  await app.register(createFastifySigningPlugin(testOptions()), { prefix: '/sign' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => app.close());
  await expectAdapter('fastify', `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
});
