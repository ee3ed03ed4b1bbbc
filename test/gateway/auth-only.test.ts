/**
 * `mapsign serve --auth-only` in process: the original request named by nginx's and Caddy's
 * headers passes the gateway's own screen and verifier; a verified one is 200 with the
 * credential (and channel) headers and counted `ok`; every refusal is 403 with its reason in
 * `X-Mapsign-Reason` and the usual body; the headers are believed from trusted peers only;
 * revocation applies within a second, and so do a credential's restrictions and limits;
 * `/healthz` stays, for direct requests only.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { openSqliteStore, updateCredential } from '../../src/store/index.js';
import { startGateway, type StartOptions } from '../../src/gateway/index.js';
import { serve } from '../../src/cli/commands/serve.js';
import { eventually, rawGet, runInProcess, startTestGateway, tempDir } from './helpers.js';
import { credentialFor, issue, rawGoogleTarget } from '../support/signing.js';

/** An auth-only gateway with a Google credential, and a way to ask it about an original request. */
async function authOnly(t: TestContext, options: Partial<StartOptions> = {}) {
  const { gateway, dbFile } = await startTestGateway(t, '', { mode: 'auth-only', upstream: undefined, flushMs: 60_000, ...options });
  const google = await issue(gateway, dbFile, 'google');
  const nginx = (target: string, method = 'GET', extra: Record<string, string> = {}) => rawGet(gateway.address, '/auth', { 'x-original-uri': target, 'x-original-method': method, ...extra });
  return { gateway, dbFile, google, nginx };
}

test('a verified original request is 200 with the credential and channel, counted ok', async (t) => {
  const { gateway, dbFile, google, nginx } = await authOnly(t);
  const fromNginx = await nginx(google.target('/tiles/1/2/3.png'));
  assert.equal(fromNginx.status, 200);
  assert.equal(fromNginx.headers['x-mapsign-credential'], google.id);
  assert.equal(fromNginx.headers['x-mapsign-channel'], '');
  assert.equal(fromNginx.headers['x-mapsign-upstream-uri'], '/tiles/1/2/3.png');
  const caddy = { 'x-forwarded-uri': google.target('/tiles/1/2/3.png?channel=web'), 'x-forwarded-method': 'HEAD', 'x-forwarded-host': 'tiles.example.com', 'x-forwarded-proto': 'https' };
  const fromCaddy = await rawGet(gateway.address, '/tiles/1/2/3.png?channel=web', caddy);
  assert.equal(fromCaddy.status, 200, fromCaddy.body);
  assert.equal(fromCaddy.headers['x-mapsign-credential'], google.id);
  assert.equal(fromCaddy.headers['x-mapsign-channel'], 'web');
  // Both conventions naming the same request are one request.
  assert.equal((await rawGet(gateway.address, '/auth', { ...caddy, 'x-original-uri': caddy['x-forwarded-uri'], 'x-original-method': 'HEAD' })).status, 200);
  await gateway.close(0);
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  const rows = await admin.queryUsage({ by: 'channel' });
  assert.deepEqual(
    rows.map((row) => [row.credentialId, row.channel, row.outcome, row.count]).sort(),
    [
      [google.id, '', 'ok', 1],
      [google.id, 'web', 'ok', 2],
    ],
  );
});

test('every refusal is 403 with the reason in X-Mapsign-Reason and the usual body', async (t) => {
  const { google, nginx, gateway } = await authOnly(t, { refusalThrottle: { maxDelayMs: 0 } });
  const signed = google.target('/tiles/1/2/3.png');
  const other = credentialFor('google', 'gme-stranger', 'dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IQ==');
  const cases: [string, () => ReturnType<typeof nginx>, string][] = [
    ['tampered', () => nginx(signed.replace('/3.png', '/4.png')), 'SIGNATURE_MISMATCH'],
    ['unsigned', () => nginx('/tiles/1/2/3.png'), 'MISSING_SIGNATURE'],
    ['unknown credential', () => nginx(other.target('/tiles/1/2/3.png')), 'UNKNOWN_CREDENTIAL'],
    ['absolute-form target', () => nginx(`http://other.example${signed}`), 'TARGET_NOT_ORIGIN_FORM'],
    ['fragment', () => nginx(`${signed}#x`), 'FRAGMENT_NOT_ALLOWED'],
    ['raw space', () => nginx('/tiles/a b'), 'MALFORMED_TARGET'],
    ['method not signed', () => nginx(signed, 'POST'), 'METHOD_NOT_ALLOWED'],
    ['lower-case method', () => nginx(signed, 'get'), 'METHOD_NOT_ALLOWED'],
    ['no method', () => rawGet(gateway.address, '/auth', { 'x-original-uri': signed }), 'ORIGINAL_REQUEST_MISSING'],
    ['no original request', () => rawGet(gateway.address, signed), 'ORIGINAL_REQUEST_MISSING'],
    ['two different targets', () => nginx(signed, 'GET', { 'x-forwarded-uri': '/tiles/unsigned', 'x-forwarded-method': 'GET' }), 'ORIGINAL_REQUEST_CONFLICT'],
    ['a path in the forwarded host', () => nginx(signed, 'GET', { 'x-forwarded-host': 'tiles.example.com/admin' }), 'BAD_FORWARDED_HEADER'],
    ['a body on the auth request', () => rawGet(gateway.address, '/auth', { 'x-original-uri': signed, 'x-original-method': 'GET', 'content-length': '3' }, 'GET', 'abc'), 'BODY_NOT_ALLOWED'],
  ];
  for (const [name, send, reason] of cases) {
    const response = await send();
    assert.equal(response.status, 403, `${name}: ${response.body}`);
    assert.equal(response.headers['x-mapsign-reason'], reason, name);
    assert.match(response.body, new RegExp(`^403 Forbidden: ${reason}\\n`), name);
    assert.equal(response.headers['x-mapsign-credential'], undefined, name);
  }
  const json = await nginx(signed.replace('/3.png', '/4.png'), 'GET', { accept: 'application/json' });
  assert.deepEqual(JSON.parse(json.body).error.reason, 'SIGNATURE_MISMATCH');
  assert.match(json.body, /"checked":"\/tiles\/1\/2\/4\.png\?client=/);
});

test('the original request is believed from trusted peers only', async (t) => {
  const { google, nginx } = await authOnly(t, { trustProxy: ['192.0.2.7'] });
  const response = await nginx(google.target('/tiles/1/2/3.png'));
  assert.equal(response.status, 403);
  assert.equal(response.headers['x-mapsign-reason'], 'ORIGINAL_REQUEST_MISSING');
  assert.match(response.body, /--trust-proxy/);
});

test('a full-URL signature is checked against the origin the proxy names', async (t) => {
  const { gateway, dbFile } = await authOnly(t);
  const maptiler = await issue(gateway, dbFile, 'maptiler');
  const signed = maptiler.sign('https://tiles.example.com/maps/streets/style.json?key=' + maptiler.id).slice('https://tiles.example.com'.length);
  const ask = (host: string) => rawGet(gateway.address, '/auth', { 'x-forwarded-uri': signed, 'x-forwarded-method': 'GET', 'x-forwarded-host': host, 'x-forwarded-proto': 'https' });
  assert.equal((await ask('tiles.example.com')).status, 200);
  const elsewhere = await ask('other.example.com');
  assert.equal(elsewhere.headers['x-mapsign-reason'], 'SIGNATURE_MISMATCH');
  assert.match(elsewhere.body, /against: https:\/\/other\.example\.com\/maps\/streets\/style\.json\?key=/);
});

test('a revoked credential is refused within a second; /healthz answers direct requests only', async (t) => {
  const { gateway, dbFile, google, nginx } = await authOnly(t);
  const signed = google.target('/tiles/1/2/3.png');
  assert.equal((await nginx(signed)).status, 200);
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  await admin.revokeCredential(google.id, Date.now());
  assert.ok(await eventually(async () => (await nginx(signed)).headers['x-mapsign-reason'] === 'REVOKED_CREDENTIAL', 1000));
  const health = await rawGet(gateway.address, '/healthz');
  assert.equal(health.status, 200);
  assert.equal((JSON.parse(health.body) as { status: string }).status, 'ok');
  assert.equal((await nginx('/healthz')).headers['x-mapsign-reason'], 'MISSING_SIGNATURE');
});

test('auth-only takes no upstream, and serve says which flags it refuses', async (t) => {
  const db = `${await tempDir(t)}/mapsign.db`;
  const store = openSqliteStore(db);
  t.after(() => store.close());
  await assert.rejects(startGateway({ store, upstream: 'http://127.0.0.1:1', mode: 'auth-only', listen: { port: 0 } }), /forwards nothing: give no upstream/);
  await assert.rejects(startGateway({ store, listen: { port: 0 } }), /needs an upstream unless mode is auth-only/);
  for (const flag of [['--upstream', 'http://127.0.0.1:1'], ['--insecure-no-verify'], ['--keep-auth-params'], ['--upstream-timeout', '1s']]) {
    const run = await runInProcess(serve, ['--auth-only', '--db', db, ...flag]);
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, new RegExp(`${flag[0]} has no meaning with --auth-only`));
  }
  const missing = await runInProcess(serve, ['--db', db]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--upstream URL is required.*or --auth-only/);
});

test('the admin API runs beside an auth-only gateway, as beside the proxy', async (t) => {
  const token = 'auth-only-admin-token-0123456789';
  const { gateway, google } = await authOnly(t, { admin: { listen: { port: 0 }, token } });
  const response = await fetch(`${gateway.adminAddress}/credentials`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  assert.match(await response.text(), new RegExp(google.id));
});

test("a credential's restrictions and limits apply to the original request, refused as 403 with the reason", async (t) => {
  const { dbFile, google, nginx } = await authOnly(t, { refusalThrottle: { maxDelayMs: 0 } });
  const admin = openSqliteStore(dbFile);
  t.after(() => admin.close());
  await updateCredential(admin, google.id, { controls: { allowPaths: ['/tiles/'], allowIps: ['203.0.113.0/24'], rateLimit: { count: 2, per: 'minute' } } });
  const fromClient = { 'x-forwarded-for': '203.0.113.7' };
  const reason = async (target: string, headers: Record<string, string> = fromClient): Promise<string> => {
    const answer = await nginx(target, 'GET', headers);
    return `${answer.status} ${answer.headers['x-mapsign-reason'] ?? answer.headers['x-mapsign-credential']}`;
  };
  assert.ok(await eventually(async () => (await reason(google.target('/admin'))) === '403 PATH_NOT_ALLOWED', 1000), 'the restriction reached the cache');
  assert.equal(await reason(rawGoogleTarget(google, '/tiles/%2e%2e/admin')), '403 PATH_NOT_ALLOWED');
  assert.equal(await reason(google.target('/tiles/1.png'), { 'x-forwarded-for': '198.51.100.7' }), '403 IP_NOT_ALLOWED');
  const passed = await nginx(google.target('/tiles/1.png'), 'GET', fromClient);
  assert.deepEqual([passed.status, passed.headers['x-accel-expires']], [200, '0'], "nginx's cache never keeps a controlled credential's answer");
  assert.equal(await reason(google.target('/tiles/2.png')), `200 ${google.id}`);
  assert.equal(await reason(google.target('/tiles/3.png')), '403 RATE_LIMITED');
});

test('a path a proxy would re-encode, and a client header that reads as the gateway\'s, are refused', async (t) => {
  const { google, nginx } = await authOnly(t, { refusalThrottle: { maxDelayMs: 0 } });
  const reason = async (target: string, extra: Record<string, string> = {}): Promise<unknown> => (await nginx(target, 'GET', extra)).headers['x-mapsign-reason'];
  // Go (Caddy) re-encodes a path holding `|` from its decoded form: %2F would reach the upstream as /.
  for (const path of ['/tiles/a%2Fb|c', '/tiles/%7B|', '/tiles/a^b', '/tiles/a`b', '/tiles/a{b}', '/tiles/"a"']) assert.equal(await reason(rawGoogleTarget(google, path)), 'UNESCAPED_PATH_CHARACTER', path);
  const plain = await nginx(google.target('/tiles/1.png?markers=a|b'));
  assert.equal(plain.status, 200, 'the query may hold them (Static Maps markers=a|b)');
  assert.equal(plain.headers['x-accel-expires'], undefined, 'a credential without controls may be cached');
  assert.equal(await reason(google.target('/tiles/1.png'), { 'x-mapsign_credential': 'gme-forged' }), 'SPOOFED_GATEWAY_HEADER');
  assert.equal(await reason(google.target('/tiles/1.png'), { 'X-MAPSIGN_channel': 'x' }), 'SPOOFED_GATEWAY_HEADER');
});
