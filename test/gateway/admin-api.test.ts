/**
 * The admin HTTP API on its own unix socket with a bearer token, against the same SQLite file
 * the gateway verifies from: create, list, show, rotate, revoke, usage, and the refusals.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFetchVerifierOver } from '../../src/http/fetch-verifier.js';
import { parseCredential, signUrl, verifyUrl } from '../../src/index.js';
import { credentialInput } from '../../src/store/index.js';
import { eventually, rawGet, startTestGateway, startUpstream, tempDir } from './helpers.js';

const TOKEN = 'admin-token-for-tests-0123456789';

function call(socketPath: string, method: string, path: string, body?: unknown, token = TOKEN): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('admin API: credential lifecycle and usage over a unix socket, enforced by the running gateway', async (t) => {
  const upstream = await startUpstream(t);
  const socketPath = join(await tempDir(t), 'admin.sock');
  const { gateway } = await startTestGateway(t, upstream.url, { admin: { listen: { path: socketPath }, token: TOKEN } });
  assert.equal(gateway.adminAddress, socketPath);

  assert.equal((await call(socketPath, 'GET', '/credentials', undefined, 'wrong-token')).status, 401);
  const created = await call(socketPath, 'POST', '/credentials', { scheme: 'google', label: 'acme web' });
  assert.equal(created.status, 201);
  const { id, secret } = created.json.issued as { id: string; secret: string };
  assert.equal(created.json.label, 'acme web');

  const listed = await call(socketPath, 'GET', '/credentials');
  assert.deepEqual(listed.json.map((c: { id: string }) => c.id), [id]);
  assert.ok(!JSON.stringify(listed.json).includes(secret), 'secrets are shown only at creation');
  assert.equal((await call(socketPath, 'GET', `/credentials/${id}`)).json.scheme, 'google');

  const target = signUrl(`http://gw/a?client=${id}`, parseCredential(credentialInput('google', id, secret))).slice('http://gw'.length);
  assert.ok(await eventually(async () => (await rawGet(gateway.address, target)).status === 200, 1000));

  const rotated = await call(socketPath, 'POST', `/credentials/${id}/rotate`, { overlap: '1h' });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.json.issued.secret, secret);
  assert.equal(rotated.json.secrets.length, 2);

  assert.equal((await call(socketPath, 'POST', `/credentials/${id}/revoke`)).json.revokedAt > 0, true);
  assert.ok(await eventually(async () => (await rawGet(gateway.address, target)).status === 403, 1000), 'revocation enforced');

  await gateway.usage.flush();
  const usage = await call(socketPath, 'GET', '/usage?by=client');
  assert.equal(usage.status, 200);
  const line = usage.json.find((l: { group: { credentialId: string } }) => l.group.credentialId === id);
  assert.ok(line.ok >= 1 && line.outcomes.REVOKED_CREDENTIAL >= 1, JSON.stringify(usage.json));

  const refusals: [string, string, unknown, number, string][] = [
    ['POST', '/credentials', { scheme: 'nope' }, 400, 'INVALID_INPUT'],
    ['POST', '/credentials', { scheme: 'google', id }, 409, 'CREDENTIAL_EXISTS'],
    ['GET', '/credentials/missing', undefined, 404, 'CREDENTIAL_NOT_FOUND'],
    ['POST', `/credentials/${id}/rotate`, {}, 409, 'CREDENTIAL_REVOKED'],
    ['POST', '/credentials/missing/rotate', { overlap: 'soon' }, 400, 'INVALID_INPUT'],
    ['GET', '/usage?by=week', undefined, 400, 'INVALID_INPUT'],
    ['GET', '/elsewhere', undefined, 404, 'NOT_FOUND'],
    ['GET', '/credentials/%E0%A4%A', undefined, 400, 'INVALID_INPUT'],
  ];
  for (const [method, path, body, status, code] of refusals) {
    const response = await call(socketPath, method, path, body);
    assert.equal(response.status, status, `${method} ${path}`);
    assert.equal(response.json.error.code, code, `${method} ${path}`);
  }
});

test('the fetch-style verifier answers in-memory Requests (no socket) with the gateway\'s refusals', async () => {
  const verify = createFetchVerifierOver({ credentials: () => undefined }, verifyUrl);
  const refused = await verify(new Request('http://gw/a?client=gme-x&signature=AAAA'));
  assert.ok(!refused.ok);
  assert.equal(refused.response.status, 403);
  assert.equal(refused.response.headers.get('cache-control'), 'no-store');
  assert.match(await refused.response.text(), /^403 Forbidden: UNKNOWN_CREDENTIAL/);
  const posted = await verify(new Request('http://gw/a?client=gme-x&signature=AAAA', { method: 'POST', body: 'x' }));
  assert.ok(!posted.ok);
  assert.equal(posted.response.status, 405);
  assert.equal(posted.response.headers.get('allow'), 'GET, HEAD');

  const credential = parseCredential({ scheme: 'google', client: 'gme-fetch', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' });
  const trusting = createFetchVerifierOver({ credentials: { scheme: 'google', id: 'gme-fetch', secrets: [credential.secret] } }, verifyUrl);
  const forged = { 'x-mapsign-credential': 'admin', 'x_mapsign_credential': 'admin', 'x-forwarded-host': 'evil.example', 'forwarded': 'for=6.6.6.6', 'proxy': 'http://evil', connection: 'x-drop', 'x-drop': '1', 'x-keep': '1' };
  const accepted = await trusting(new Request(signUrl('https://edge.example/tiles/1.png?x=1', credential), { headers: forged }));
  assert.ok(accepted.ok);
  const sent = Object.fromEntries(accepted.upstreamHeaders());
  assert.deepEqual(sent, { 'x-keep': '1', 'x-mapsign-credential': 'gme-fetch', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'edge.example' }, 'only the client\'s own headers and the verifier\'s');
  assert.equal(accepted.upstreamUrl('http://tiles.internal/v1'), 'http://tiles.internal/v1/tiles/1.png?x=1');
});

test('an extra gateway route serves its subtree without a signature', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway } = await startTestGateway(t, upstream.url, { routes: { '/debugger': async () => new Response('page') } });
  assert.equal((await rawGet(gateway.address, '/debugger/app.js')).body, 'page');
  assert.equal((await rawGet(gateway.address, '/healthz')).status, 200);
  assert.equal(upstream.seen.length, 0);
});
