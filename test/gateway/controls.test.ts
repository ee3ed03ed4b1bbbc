/**
 * Credential restrictions and limits in a real gateway (in process, real SQLite) in front of the
 * raw-socket upstream, asserted on what the upstream received: a path-restricted credential
 * never gets a target outside its prefix to the upstream, however the path is written to fool
 * an upstream's normalisation; each restriction and limit refuses with its status, reason and
 * `Retry-After`; refused requests, and pipelined ones the client left before their turn, use no
 * quota; a change is enforced after the next poll; and
 * the admin API takes the controls as JSON.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { parseControls } from '../../src/core/credential-controls.js';
import { createAdminApi } from '../../src/gateway/admin-api.js';
import { openSqliteStore, updateCredential } from '../../src/store/index.js';
import { exchange, RawConnection, rawRequest, type RawResponse } from '../support/raw-client.js';
import { eventually } from '../support/eventually.js';
import { startRawUpstream, type RawUpstream } from '../support/raw-upstream.js';
import { credentialFor, rawGoogleTarget, type TestCredential } from '../support/signing.js';
import { createLoaded, startTestGateway, tempDir } from './helpers.js';
import type { RunningGateway } from '../../src/gateway/index.js';

interface Rig {
  readonly gateway: RunningGateway;
  readonly dbFile: string;
  readonly upstream: RawUpstream;
  credential(controls: unknown): Promise<TestCredential>;
  get(target: string, headers?: readonly (readonly [string, string])[]): Promise<RawResponse>;
}

async function rig(t: TestContext, trustProxy?: readonly string[]): Promise<Rig> {
  const upstream = await startRawUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url, { refusalThrottle: { maxDelayMs: 0 }, trustProxy });
  const host = new URL(gateway.address).host;
  return {
    gateway,
    dbFile,
    upstream,
    async credential(controls) {
      const issued = await createLoaded(gateway, dbFile, { scheme: 'google', controls: parseControls(controls) });
      return credentialFor('google', issued.text.id, issued.text.secret);
    },
    async get(target, headers = []) {
      const answer = await exchange(gateway.address, rawRequest({ target, headers: [['Host', host], ...headers] }));
      assert.ok(typeof answer !== 'string', `no answer to ${target}: ${answer}`);
      return answer;
    },
  };
}

/** Asserts a refusal: status line, reason, and (for 429) Retry-After. */
function assertRefused(answer: RawResponse, status: number, reason: string): void {
  assert.equal(answer.text.split('\n')[0], `${status} ${status === 429 ? 'Too Many Requests' : 'Forbidden'}: ${reason}`, answer.text);
  if (status === 429) assert.match(answer.header('retry-after') ?? '', /^[1-9]\d*$/);
}

describe('credential controls in the gateway', () => {
  test('a path-restricted credential never reaches the upstream outside its prefix', async (t) => {
    const r = await rig(t);
    const tiles = await r.credential({ allowPaths: ['/tiles/'] });
    const open = await r.credential({});
    const hostile = [
      '/tiles/../admin',
      '/tiles/./../admin',
      '/tiles/%2e%2e/admin',
      '/tiles/%2E%2e/admin',
      '/tiles/.%2e/admin',
      '/tiles/..%2fadmin',
      '/tiles%2f..%2fadmin',
      '/tiles/..\\admin',
      '/tiles/%5c..%5cadmin',
      '/tiles//../admin',
      '/tiles/..;/admin',
      '/tiles/..%3b/admin',
      '/tiles/%252e%252e/admin',
      '/tiles/%00/../admin',
      '/tilesecret/a',
      '/admin?next=/tiles/',
    ];
    for (const path of hostile) {
      // Signed byte for byte: the signature is valid, only the restriction can refuse it.
      const answer = await r.get(rawGoogleTarget(tiles, path));
      assertRefused(answer, 403, 'PATH_NOT_ALLOWED');
      assert.match(answer.text, /may only be used for paths under \/tiles\//);
    }
    assert.equal(r.upstream.requests.length, 0, 'no hostile target reached the upstream');
    // The same bytes from a credential without restrictions are forwarded unchanged: the gateway
    // itself rewrites nothing, which is why the restriction must refuse them.
    const raw = rawGoogleTarget(open, '/tiles/%2e%2e/admin');
    assert.equal((await r.get(raw)).status, 200);
    assert.equal(r.upstream.requests[0]!.target, '/tiles/%2e%2e/admin');
    // A plain path under the prefix goes through, byte for byte.
    assert.equal((await r.get(tiles.target('/tiles/1/2/3.png?style=a%20b'))).status, 200);
    assert.equal(r.upstream.requests[1]!.target, '/tiles/1/2/3.png?style=a%20b');
    assert.equal(r.upstream.requests.length, 2);
  });

  test('referrer and client network restrictions, behind a trusted proxy', async (t) => {
    const r = await rig(t, ['loopback']);
    const web = await r.credential({ allowReferrers: ['https://app.example.com', '*.example.org'] });
    const office = await r.credential({ allowIps: ['203.0.113.0/24', '2001:db8::/32'] });
    const target = web.target('/tiles/1.png');
    assert.equal((await r.get(target, [['Origin', 'https://app.example.com']])).status, 200);
    assert.equal((await r.get(target, [['Referer', 'https://maps.example.org/view?x=1']])).status, 200);
    assertRefused(await r.get(target), 403, 'REFERRER_NOT_ALLOWED');
    assertRefused(await r.get(target, [['Origin', 'https://evil.test'], ['Referer', 'https://app.example.com/']]), 403, 'REFERRER_NOT_ALLOWED');
    const inside = office.target('/tiles/2.png');
    // The peer is 127.0.0.1, trusted: the client is the nearest untrusted X-Forwarded-For entry.
    assert.equal((await r.get(inside, [['X-Forwarded-For', '203.0.113.40']])).status, 200);
    assert.equal((await r.get(inside, [['X-Forwarded-For', '198.51.100.1, 2001:db8::9']])).status, 200);
    const forged = await r.get(inside, [['X-Forwarded-For', '203.0.113.40, 198.51.100.1']]);
    assertRefused(forged, 403, 'IP_NOT_ALLOWED');
    assert.match(forged.text, /may only be used from 203\.0\.113\.0\/24, 2001:db8::\/32; this request comes from 198\.51\.100\.1\./);
    // Without X-Forwarded-For the client is the proxy itself, outside the networks.
    assertRefused(await r.get(inside), 403, 'IP_NOT_ALLOWED');
    assert.equal(r.upstream.requests.length, 4);
  });

  test('an untrusted peer cannot choose its address with X-Forwarded-For', async (t) => {
    const r = await rig(t);
    const office = await r.credential({ allowIps: ['203.0.113.0/24'] });
    assertRefused(await r.get(office.target('/a'), [['X-Forwarded-For', '203.0.113.40']]), 403, 'IP_NOT_ALLOWED');
    const local = await r.credential({ allowIps: ['127.0.0.0/8'] });
    assert.equal((await r.get(local.target('/a'))).status, 200);
  });

  test('expiry required: a URL without expires= is refused', async (t) => {
    const r = await rig(t);
    const expiring = await r.credential({ requireExpiry: true });
    const answer = await r.get(expiring.target('/tiles/1.png'));
    assertRefused(answer, 403, 'EXPIRY_REQUIRED');
    assert.equal(r.upstream.requests.length, 0);
  });

  test('rate limit: N pass, then 429 RATE_LIMITED with Retry-After, for that credential only', async (t) => {
    const r = await rig(t);
    // 2 per minute: the next token is 30 s away, far longer than this test.
    const limited = await r.credential({ rateLimit: { count: 2, per: 'minute' } });
    const other = await r.credential({});
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await r.get(limited.target(`/t/${i}`))).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const refused = await r.get(limited.target('/t/again'));
    assertRefused(refused, 429, 'RATE_LIMITED');
    assert.ok(Number(refused.header('retry-after')) >= 1 && Number(refused.header('retry-after')) <= 30);
    assert.match(refused.text, new RegExp(`\\nCredential gme-[0-9a-f]+ is limited to 2/min on this gateway; retry in ${refused.header('retry-after')} s\\.\\n$`));
    assert.equal((await r.get(other.target('/t/x'))).status, 200);
  });

  test('daily quota: refused requests never use it, then 429 QUOTA_EXCEEDED until midnight UTC', async (t) => {
    const r = await rig(t);
    const quota = await r.credential({ dailyQuota: 3, allowPaths: ['/tiles/'] });
    // A forged signature naming the credential, and its own path refusals, use none of its quota.
    for (let i = 0; i < 5; i++) assert.equal((await r.get(`/tiles/x?client=${quota.id}&signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA=`)).status, 403);
    for (let i = 0; i < 5; i++) assertRefused(await r.get(quota.target('/admin')), 403, 'PATH_NOT_ALLOWED');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await r.get(quota.target(`/tiles/${i}`))).status);
    assert.deepEqual(statuses, [200, 200, 200]);
    const over = await r.get(quota.target('/tiles/4'));
    assertRefused(over, 429, 'QUOTA_EXCEEDED');
    assert.match(over.text, /\nCredential gme-[0-9a-f]+ has used its daily quota of 3 requests; it resets at 00:00 UTC\.\n$/);
    const midnight = Math.ceil((Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000 - Date.now()) / 1000);
    assert.ok(Math.abs(Number(over.header('retry-after')) - midnight) <= 5, `${over.header('retry-after')} vs ${midnight}`);
    assert.equal(r.upstream.requests.length, 3);
    // Counted in the store: a flush and a refresh later it is still exhausted.
    await r.gateway.usage.flush();
    assertRefused(await r.get(quota.target('/tiles/5')), 429, 'QUOTA_EXCEEDED');
  });

  test('pipelined requests a client leaves behind before their turn use none of the daily quota', async (t) => {
    // The first tile is slow, so the requests pipelined behind it wait for their turn.
    const upstream = await startRawUpstream(t, (request) => ({ kind: 'fixed', body: 'tile', delayMs: request.requestLine.startsWith('GET /tiles/0 ') ? 400 : 0 }));
    const { gateway, dbFile } = await startTestGateway(t, upstream.url, { refusalThrottle: { maxDelayMs: 0 } });
    const issued = await createLoaded(gateway, dbFile, { scheme: 'google', controls: parseControls({ dailyQuota: 10 }) });
    const quota = credentialFor('google', issued.text.id, issued.text.secret);
    const host = new URL(gateway.address).host;
    const request = (i: number): Buffer => rawRequest({ target: quota.target(`/tiles/${i}`), headers: [['Host', host]] });
    const client = await RawConnection.open(gateway.address);
    client.write(Buffer.concat(Array.from({ length: 6 }, (_, i) => request(i))));
    assert.ok(await eventually(() => upstream.requests.length === 1, 3000), 'the first pipelined request was forwarded');
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(upstream.requests.length, 1, 'the five behind it were never forwarded');
    // One of the 10 was used by the forwarded request (its client left: CLIENT_CLOSED); nine remain.
    const statuses = [];
    for (let i = 10; i < 20; i++) statuses.push(((await exchange(gateway.address, request(i), { timeoutMs: 5000 })) as RawResponse).status);
    assert.deepEqual(statuses, [...Array(9).fill(200), 429]);
    await gateway.usage.flush();
    const store = openSqliteStore(dbFile);
    t.after(() => store.close());
    const outcomes = Object.fromEntries((await store.queryUsage({ by: 'client' })).filter((row) => row.credentialId === quota.id).map((row) => [row.outcome, row.count]));
    assert.deepEqual(outcomes, { CLIENT_CLOSED: 1, CLIENT_CLOSED_QUEUED: 5, ok: 9, QUOTA_EXCEEDED: 1 });
  });

  test('an update takes effect at the next poll, and lifting it restores access', async (t) => {
    const r = await rig(t);
    const credential = await r.credential({});
    assert.equal((await r.get(credential.target('/admin'))).status, 200);
    const store = openSqliteStore(r.dbFile);
    try {
      await updateCredential(store, credential.id, { controls: { allowPaths: ['/tiles/'] } });
      await r.gateway.cache.poll();
      assertRefused(await r.get(credential.target('/admin')), 403, 'PATH_NOT_ALLOWED');
      await updateCredential(store, credential.id, { controls: { allowPaths: null } });
      await r.gateway.cache.poll();
      assert.equal((await r.get(credential.target('/admin'))).status, 200);
    } finally {
      await store.close();
    }
  });
});

test('the admin API creates with controls and PATCHes them, with input errors as 400', async (t) => {
  const store = openSqliteStore(join(await tempDir(t), 'mapsign.db'));
  t.after(() => store.close());
  const token = 'controls-admin-token-0123456789';
  const api = createAdminApi({ store, token });
  const call = async (method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await api(new Request(`http://admin${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const created = await call('POST', '/credentials', { scheme: 'google', id: 'gme-api', controls: { allowPaths: ['/tiles/'], rateLimit: { count: 5, per: 'second' } } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.json['controls'], { allowPaths: ['/tiles/'], rateLimit: { count: 5, per: 'second' } });
  const patched = await call('PATCH', '/credentials/gme-api', { label: 'acme', controls: { rateLimit: null, dailyQuota: 1000 } });
  assert.equal(patched.status, 200);
  assert.deepEqual([patched.json['label'], patched.json['controls']], ['acme', { allowPaths: ['/tiles/'], dailyQuota: 1000 }]);
  const bad = await call('POST', '/credentials', { scheme: 'google', controls: { allowPaths: ['/tiles/../'] } });
  const error = bad.json['error'] as { reason: string; field: string; message: string };
  assert.deepEqual([bad.status, error.reason, error.field], [400, 'INVALID_FIELD', 'controls']);
  assert.match((bad.json['error'] as { message: string }).message, /The path prefix "\/tiles\/\.\.\/" has a dot segment/);
  assert.equal((await call('PATCH', '/credentials/gme-nope', { label: 'x' })).status, 404);
  assert.equal((await call('POST', '/credentials/gme-api/revoke', {})).status, 200);
  assert.equal((await call('PATCH', '/credentials/gme-api', { controls: { dailyQuota: 5 } })).status, 409);
});
