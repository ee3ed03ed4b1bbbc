/**
 * The admin HTTP API on its own unix socket with a bearer token, against the same SQLite file
 * the gateway verifies from: create, list, show, rotate, revoke, usage, and the refusals; strict
 * validation with the error shape the gateway's JSON refusals share; extra pages behind the
 * token; and the audit trail — stored, logged as JSON lines, read back, never with a secret —
 * in memory and through a real `mapsign serve` admin listener.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFetchVerifierOver } from '../../src/http/fetch-verifier.js';
import { parseCredential, signUrl, verifyUrl } from '../../src/index.js';
import { PassThrough } from 'node:stream';
import { createAuditLogger } from '../../src/gateway/audit-log.js';
import { MAX_BODY_BYTES } from '../../src/gateway/admin-request.js';
import { renderRefusal, ruleRefusal } from '../../src/http/refusal.js';
import { audit } from '../../src/cli/commands/audit.js';
import { credentialInput, type AuditEntry } from '../../src/store/index.js';
import { spawnServe } from '../support/serve-process.js';
import { memoryAdmin, TOKEN } from './admin-helpers.js';
import { eventually, rawGet, runInProcess, startTestGateway, startUpstream, tempDir } from './helpers.js';

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
    ['POST', '/credentials', { scheme: 'nope' }, 400, 'INVALID_FIELD'],
    ['POST', '/credentials', { scheme: 'google', id }, 409, 'CREDENTIAL_EXISTS'],
    ['GET', '/credentials/missing', undefined, 404, 'CREDENTIAL_NOT_FOUND'],
    ['POST', `/credentials/${id}/rotate`, {}, 409, 'CREDENTIAL_REVOKED'],
    ['POST', '/credentials/missing/rotate', { overlap: 'soon' }, 400, 'INVALID_FIELD'],
    ['GET', '/usage?by=week', undefined, 400, 'INVALID_FIELD'],
    ['GET', '/elsewhere', undefined, 404, 'NOT_FOUND'],
    ['GET', '/credentials/%E0%A4%A', undefined, 400, 'INVALID_INPUT'],
  ];
  for (const [method, path, body, status, reason] of refusals) {
    const response = await call(socketPath, method, path, body);
    assert.equal(response.status, status, `${method} ${path}`);
    assert.equal(response.json.error.reason, reason, `${method} ${path}`);
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

test('strict validation: unknown, misspelt, missing and mistyped fields, bodies that are not JSON or too large, bad query parameters', async (t) => {
  const { call } = memoryAdmin(t);
  const id = (await call('POST', '/credentials', { scheme: 'google' })).json.issued.id as string;
  const big = JSON.stringify({ scheme: 'google', label: 'x'.repeat(MAX_BODY_BYTES) });
  const cases: [string, string, unknown, { raw?: string; headers?: Record<string, string> } | undefined, number, string, string | undefined, RegExp][] = [
    ['POST', '/credentials', { scheme: 'google', lable: 'web' }, undefined, 400, 'UNKNOWN_FIELD', 'lable', /^Unknown field "lable"\. Did you mean label\? Known fields: scheme, id, label, controls\.$/],
    ['POST', '/credentials', { scheme: 'gogle' }, undefined, 400, 'INVALID_FIELD', 'scheme', /^"scheme" must be one of google, streetmaps, maptiler, not "gogle"\. Did you mean google\?$/],
    ['POST', '/credentials', { scheme: 7 }, undefined, 400, 'INVALID_FIELD', 'scheme', /^"scheme" must be a string, not a number\.$/],
    ['POST', '/credentials', { label: 'web' }, undefined, 400, 'MISSING_FIELD', 'scheme', /^"scheme" is required: the signing scheme\.$/],
    ['POST', '/credentials', ['google'], undefined, 400, 'INVALID_FIELD', '', /^The request body must be a JSON object, not an array\.$/],
    ['POST', '/credentials', undefined, { raw: '{"scheme":' }, 400, 'INVALID_JSON', undefined, /^The request body is not valid JSON\.$/],
    ['POST', '/credentials', undefined, { raw: 'scheme=google', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', undefined, /^Send the body as JSON with Content-Type: application\/json, not "application\/x-www-form-urlencoded"\.$/],
    ['POST', '/credentials', undefined, { raw: big }, 413, 'BODY_TOO_LARGE', undefined, /^The request body may be at most 16384 bytes\.$/],
    ['POST', `/credentials/${id}/rotate`, { overlap: 24 }, undefined, 400, 'INVALID_FIELD', 'overlap', /^"overlap" must be a string, not a number\.$/],
    ['POST', `/credentials/${id}/rotate`, { overlap: 'soon' }, undefined, 400, 'INVALID_FIELD', 'overlap', /^The overlap "soon" is not a duration/],
    ['POST', `/credentials/${id}/rotate`, { overlapp: '1h' }, undefined, 400, 'UNKNOWN_FIELD', 'overlapp', /Did you mean overlap\?/],
    ['POST', `/credentials/${id}/revoke`, { force: true }, undefined, 400, 'UNKNOWN_FIELD', 'force', /^Unknown field "force"\. This endpoint takes no fields\.$/],
    ['GET', '/usage?sinse=2026-01-01', undefined, undefined, 400, 'UNKNOWN_FIELD', 'sinse', /^Unknown query parameter "sinse"\. Did you mean since\? Known parameters: since, until, by\.$/],
    ['GET', '/audit?__proto__=1', undefined, undefined, 400, 'UNKNOWN_FIELD', '__proto__', /^Unknown query parameter "__proto__"\./],
    ['GET', '/usage?toString=1', undefined, undefined, 400, 'UNKNOWN_FIELD', 'toString', /^Unknown query parameter "toString"\./],
    ['GET', '/usage?by=day&by=client', undefined, undefined, 400, 'INVALID_FIELD', 'by', /^"by" is given twice; give it once\.$/],
    ['GET', '/usage?since=2026-02-31', undefined, undefined, 400, 'INVALID_FIELD', 'since', /real UTC day/],
    ['GET', '/credentials?all=1', undefined, undefined, 400, 'UNKNOWN_FIELD', 'all', /This endpoint takes no query parameters\./],
    ['GET', '/audit?since=yesterday', undefined, undefined, 400, 'INVALID_FIELD', 'since', /^since takes a duration back from now/],
    ['GET', '/audit?limit=0', undefined, undefined, 400, 'INVALID_FIELD', 'limit', /must match/],
    ['GET', '/audit?limit=20000', undefined, undefined, 400, 'INVALID_FIELD', 'limit', /must be from 1 to 10000/],
    ['DELETE', `/credentials/${id}`, undefined, undefined, 405, 'METHOD_NOT_ALLOWED', undefined, /^DELETE is not supported on \/credentials\/gme-\w+; use GET, PATCH\.$/],
    ['GET', '/credential', undefined, undefined, 404, 'NOT_FOUND', undefined, /GET \/openapi\.json lists them/],
  ];
  for (const [method, path, body, how, status, reason, field, message] of cases) {
    const answer = await call(method, path, body, how);
    const label = `${method} ${path} ${how?.raw?.slice(0, 30) ?? JSON.stringify(body)}`;
    assert.equal(answer.status, status, label);
    assert.deepEqual(Object.keys(answer.json), ['error'], label);
    assert.deepEqual(answer.json.error, { status, reason, message: answer.json.error.message, ...(field === undefined ? {} : { field }) }, label);
    assert.match(answer.json.error.message, message, label);
  }
  assert.equal((await call('PUT', '/credentials')).headers.get('allow'), 'GET, POST');
  assert.equal((await call('POST', `/credentials/${id}/revoke`, undefined, { headers: { 'content-type': '' } })).status, 200, 'an empty body needs no Content-Type');
  assert.deepEqual((await call('GET', `/credentials/${id}`)).json.secrets.length, 1, 'nothing refused above changed the credential');
});

test('the admin API and the gateway refuse with one error shape', async (t) => {
  const { call } = memoryAdmin(t);
  const unauthorized = await call('GET', '/credentials', undefined, { token: null });
  assert.equal(unauthorized.status, 401);
  assert.equal(unauthorized.headers.get('www-authenticate'), 'Bearer');
  assert.deepEqual(unauthorized.json, { error: { status: 401, reason: 'UNAUTHORIZED', message: 'Send Authorization: Bearer <admin token>.' } });
  const refused = JSON.parse(renderRefusal(ruleRefusal('METHOD_NOT_ALLOWED', 'GET, HEAD'), true).body);
  const notAllowed = await call('DELETE', '/credentials');
  assert.deepEqual(Object.keys(refused.error), Object.keys(notAllowed.json.error), 'the same members, in the same order');
  assert.equal(refused.error.reason, notAllowed.json.error.reason);
  assert.equal(notAllowed.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(notAllowed.headers.get('cache-control'), 'no-store');
});

test('extra routes are served behind the same token and listed in /openapi.json', async (t) => {
  const seen: (string | undefined)[] = [];
  const { call } = memoryAdmin(t, { routes: { '/metrics': async (request, client) => (seen.push(client?.address), Response.json({ page: new URL(request.url).pathname })) } });
  assert.equal((await call('GET', '/metrics', undefined, { token: 'wrong-token-0123456789' })).status, 401);
  assert.deepEqual(seen, [], 'not reached without the token');
  assert.deepEqual((await call('GET', '/metrics', undefined, { address: '10.9.8.7' })).json, { page: '/metrics' });
  assert.deepEqual(seen, ['10.9.8.7'], 'the handler is told the client address');
  assert.ok('/metrics' in (await call('GET', '/openapi.json')).json.paths);
  assert.equal((await call('GET', '/metrics/more')).status, 404, 'exact paths only');
});

/** Every issued secret (and MapTiler token) in the answers, to scan the trail for. */
function secretsIn(answers: readonly { json: any }[]): string[] {
  return answers.flatMap((a) => [a.json.issued?.secret, a.json.issued?.token]).filter((s): s is string => typeof s === 'string');
}

test('admin actions are audited once each with the client address: stored, logged as JSON lines, read at GET /audit, never a secret', async (t) => {
  const stream = new PassThrough();
  let lines = '';
  stream.on('data', (chunk: Buffer) => (lines += chunk.toString()));
  const { call, store } = memoryAdmin(t, { onAudit: createAuditLogger(stream) });
  const from = { address: '10.1.2.3' };
  const created = await call('POST', '/credentials', { scheme: 'maptiler', label: 'tiles' }, from);
  const id = created.json.id as string;
  const rotated = await call('POST', `/credentials/${id}/rotate`, { overlap: '1h' }, from);
  await call('POST', `/credentials/${id}/revoke`, undefined, from);
  await call('POST', `/credentials/${id}/rotate`, {}, from);
  await call('POST', '/credentials', { scheme: 'google', lable: 'typo' }, from);
  await call('GET', '/credentials', undefined, from);
  const trail = await call('GET', '/audit?since=1h', undefined, from);
  assert.equal(trail.status, 200);
  assert.deepEqual(trail.json.map((e: AuditEntry) => [e.actor, e.source, e.action, e.credentialId, e.outcome, e.count]), [
    ['admin-api', '10.1.2.3', 'create', id, 'ok', 1],
    ['admin-api', '10.1.2.3', 'rotate', id, 'ok', 1],
    ['admin-api', '10.1.2.3', 'revoke', id, 'ok', 1],
    ['admin-api', '10.1.2.3', 'rotate', id, 'CREDENTIAL_REVOKED', 1],
  ], 'changes only: a refused body and a read are not actions');
  assert.deepEqual(trail.json[1].details, { overlapMs: 3_600_000 });
  const logged = lines.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(logged, trail.json.map(({ time, ...rest }: AuditEntry) => ({ time: new Date(time).toISOString(), event: 'audit', ...rest })), 'one line per stored entry');
  assert.deepEqual((await call('GET', '/audit?until=2000-01-01')).json, []);
  const secrets = secretsIn([created, rotated]);
  assert.equal(secrets.length, 4, 'a MapTiler secret and token per issue');
  const everything = `${lines}${JSON.stringify(await store.listAudit({}))}${JSON.stringify(trail.json)}`;
  for (const secret of secrets) assert.ok(!everything.includes(secret), 'no secret in rows or lines');
});

test('e2e: an admin action on a real `mapsign serve` admin listener writes an audit row and a JSON line on stderr, and `mapsign audit` reads it', async (t) => {
  const upstream = await startUpstream(t);
  const dir = await tempDir(t);
  const db = join(dir, 'mapsign.db');
  const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', db, '--log', 'none', '--admin-port', '0', '--drain', '1s'], { MAPSIGN_ADMIN_TOKEN: TOKEN });
  let admin: string | undefined;
  assert.ok(await eventually(async () => (admin = /admin API on (http:\S+)/.exec(gateway.stderr())?.[1]) !== undefined, 5000), gateway.stderr());
  const created = await fetch(`${admin}/credentials`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ scheme: 'google', label: 'e2e' }) });
  assert.equal(created.status, 201);
  const { id, issued } = (await created.json()) as { id: string; issued: { secret: string } };
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`${admin}/credentials`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const line = (): any[] => gateway.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.ok(await eventually(async () => line().length === 2, 5000), gateway.stderr());
  assert.deepEqual(line().map((l) => [l.event, l.actor, l.source, l.action, l.credentialId, l.outcome, l.count]), [
    ['audit', 'admin-api', '127.0.0.1', 'create', id, 'ok', 1],
    ['audit', 'admin-api', '127.0.0.1', 'auth_failed', null, 'UNAUTHORIZED', 1],
  ], 'the first failed authentication at once; the other four folded');
  gateway.signal('SIGTERM');
  assert.deepEqual(await gateway.waitExit(10_000), { code: 0, signal: null });
  assert.equal(line().at(-1).count, 4, 'the folded failures are written at shutdown');
  const read = await runInProcess(audit, ['--db', db, '--json']);
  assert.equal(read.code, 0, read.err);
  const rows = JSON.parse(read.out) as AuditEntry[];
  assert.deepEqual(rows.map((r) => [r.action, r.source, r.count]), [['create', '127.0.0.1', 1], ['auth_failed', '127.0.0.1', 1], ['auth_failed', '127.0.0.1', 4]]);
  assert.ok(!`${gateway.stderr()}${read.out}`.includes(issued.secret), 'no secret in the log or the trail');
});
