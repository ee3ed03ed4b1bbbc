/**
 * The gateway end to end: a real SQLite file, a real upstream server, real sockets. Every
 * refusal status, forwarding (auth parameters stripped, hop-by-hop headers dropped, bodies
 * streamed), full-URL schemes behind a trusted proxy, upstream down and slow.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { parseCredential, signUrl } from '../../src/index.js';
import { createCredential, credentialInput, openSqliteStore, type IssuedSecret } from '../../src/store/index.js';
import { createLoaded, rawGet, startTestGateway, startUpstream } from './helpers.js';

function signer(issued: IssuedSecret): (url: string) => string {
  const credential = parseCredential(credentialInput(issued.credential.scheme, issued.text.id, issued.text.secret));
  return (url) => signUrl(url, credential);
}

/** Signs a path-and-query URL and returns only the target the client sends. */
function target(sign: (url: string) => string, path: string): string {
  return sign(`http://gateway.test${path}`).slice('http://gateway.test'.length);
}

test('refusals: every status with its reason, the checked string and no signature or secret', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url);
  const google = await createLoaded(gateway, dbFile, { scheme: 'google', id: 'gme-acme' });
  const good = target(signer(google), '/maps/api/geocode/json?address=New+York&client=gme-acme');
  const signature = good.slice(good.lastIndexOf('=', good.length - 2) + 1);
  const wrongSig = good.replace(/signature=[^&]*/, `signature=${'A'.repeat(27)}=`);
  const cases: { name: string; target: string; status: number; reason: string }[] = [
    { name: 'no signature', target: '/maps/api/geocode/json?address=x&client=gme-acme', status: 403, reason: 'MISSING_SIGNATURE' },
    { name: 'malformed signature', target: '/maps/api/geocode/json?client=gme-acme&signature=abc', status: 403, reason: 'MALFORMED_SIGNATURE' },
    { name: 'tampered URL', target: good.replace('New+York', 'Boston'), status: 403, reason: 'SIGNATURE_MISMATCH' },
    { name: 'wrong signature', target: wrongSig, status: 403, reason: 'SIGNATURE_MISMATCH' },
    { name: 'unknown client', target: good.replace('gme-acme', 'gme-nobody'), status: 403, reason: 'UNKNOWN_CREDENTIAL' },
    { name: 'client and key', target: good.replace('client=gme-acme', 'client=gme-acme&key=k'), status: 403, reason: 'CLIENT_AND_KEY' },
    { name: 'no credential', target: '/maps/api/geocode/json?address=x&signature=abc', status: 403, reason: 'MISSING_CREDENTIAL_ID' },
    { name: 'too long', target: `/maps/api/geocode/json?address=${'x'.repeat(2100)}&client=gme-acme&signature=abc`, status: 414, reason: 'URL_TOO_LONG' },
    { name: 'absolute-form request target', target: 'http://evil.example/x?client=gme-acme&signature=abc', status: 400, reason: 'TARGET_NOT_ORIGIN_FORM' },
  ];
  for (const c of cases) {
    const response = await rawGet(gateway.address, c.target);
    assert.equal(response.status, c.status, c.name);
    assert.match(response.body, new RegExp(`^${c.status} [A-Za-z ]+: ${c.reason}\\n`), c.name);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8', c.name);
    assert.ok(!response.body.includes(signature), `${c.name}: never the expected signature`);
    assert.ok(!response.body.includes(google.text.secret), `${c.name}: never the secret`);
  }
  const mismatch = await rawGet(gateway.address, wrongSig);
  assert.match(mismatch.body, /The server checked the signature against: \/maps\/api\/geocode\/json\?address=New\+York&client=gme-acme\n/);
  assert.equal(upstream.seen.length, 0, 'nothing refused reaches the upstream');

  const json = await rawGet(gateway.address, wrongSig, { accept: 'application/json' });
  assert.equal(json.status, 403);
  assert.deepEqual(JSON.parse(json.body), {
    error: { status: 403, reason: 'SIGNATURE_MISMATCH', message: 'The signature does not match the URL; sign exactly the bytes you send, with the current secret.', checked: '/maps/api/geocode/json?address=New+York&client=gme-acme', credential: 'gme-acme' },
  });
});

test('a valid request is forwarded without its auth parameters, with the credential header, streaming the body', async (t) => {
  const upstream = await startUpstream(t);
  const { gateway, dbFile } = await startTestGateway(t, upstream.url);
  const key = await createLoaded(gateway, dbFile, { scheme: 'streetmaps' });
  const sign = signer(key);
  const get = await rawGet(gateway.address, target(sign, `/tiles/1/2/3.png?style=o'neil&key=${key.text.id}`), { 'x-mapsign-credential': 'forged', connection: 'keep-alive, x-drop', 'x-drop': '1', 'x-keep': '1' });
  assert.equal(get.status, 200);
  assert.equal(get.headers['x-upstream'], 'yes');
  const seen = upstream.seen[0]!;
  assert.equal(seen.url, '/tiles/1/2/3.png?style=o%27neil', 'client/key/signature removed, every other byte kept');
  assert.equal(seen.headers['x-mapsign-credential'], key.text.id);
  assert.equal(seen.headers['x-drop'], undefined, 'headers named by Connection are hop-by-hop');
  assert.equal(seen.headers['x-keep'], '1');
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');

  const refused = await rawGet(gateway.address, target(sign, `/route?key=${key.text.id}`), { 'content-type': 'text/plain' }, 'POST', 'a body to stream');
  assert.equal(refused.status, 405, 'the signature covers the URL only: POST is not forwarded by default');
  assert.equal(refused.headers['allow'], 'GET, HEAD');
  assert.equal(upstream.seen.length, 1);
  assert.equal((await rawGet(gateway.address, '/healthz')).status, 200, '/healthz needs no signature');

  const widened = await startTestGateway(t, upstream.url, { methods: ['GET', 'HEAD', 'POST'] });
  const store = openSqliteStore(widened.dbFile);
  const poster = signer(await createCredential(store, { scheme: 'streetmaps' }));
  const posterId = (await store.listCredentials())[0]!.id;
  await store.close();
  await widened.gateway.cache.poll();
  const post = await rawGet(widened.gateway.address, target(poster, `/route?key=${posterId}`), { 'content-type': 'text/plain' }, 'POST', 'a body to stream');
  assert.equal(post.status, 200);
  assert.equal(upstream.seen[1]!.body, 'a body to stream', 'with --methods POST the body streams through');
});

test('full-URL schemes verify against --public-url or X-Forwarded-* from trusted proxies only', async (t) => {
  const upstream = await startUpstream(t);
  const cases = [
    { name: 'public URL', options: { publicUrl: 'https://tiles.example.com' }, headers: {}, status: 200 },
    { name: 'trusted proxy', options: { trustProxy: ['loopback'] }, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tiles.example.com' }, status: 200 },
    { name: 'untrusted proxy', options: { trustProxy: ['10.9.9.9'] }, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tiles.example.com' }, status: 403 },
  ];
  for (const c of cases) {
    const { gateway, dbFile } = await startTestGateway(t, upstream.url, c.options);
    const issued = await createLoaded(gateway, dbFile, { scheme: 'maptiler' });
    const signed = signer(issued)('https://tiles.example.com/maps/streets/style.json');
    const response = await rawGet(gateway.address, signed.slice('https://tiles.example.com'.length), c.headers);
    assert.equal(response.status, c.status, `${c.name}: ${response.body}`);
    if (c.status === 403) assert.match(response.body, /checked the signature against: http:\/\/127\.0\.0\.1:\d+\/maps\/streets\/style\.json\?key=/);
    await gateway.close(0);
  }
});

test('an upstream that is down gets a 502, a slow one a 504, both counted', async (t) => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const cases = [
    { upstream: `http://127.0.0.1:${closedPort}`, path: '/x', status: 502, outcome: 'UPSTREAM_UNREACHABLE' },
    { upstream: (await startUpstream(t, 5000)).url, path: '/slow', status: 504, outcome: 'UPSTREAM_TIMEOUT' },
  ];
  for (const c of cases) {
    const { gateway, dbFile } = await startTestGateway(t, c.upstream, { upstreamTimeoutMs: 200 });
    const admin = openSqliteStore(dbFile);
    const issued = await createCredential(admin, { scheme: 'google' });
    await gateway.cache.poll();
    const response = await rawGet(gateway.address, target(signer(issued), `${c.path}?client=${issued.text.id}`));
    assert.equal(response.status, c.status);
    assert.match(response.body, new RegExp(`^${c.status} ${c.outcome}: `));
    await gateway.close(0);
    assert.deepEqual(await admin.queryUsage({ by: 'client' }), [{ credentialId: issued.text.id, outcome: c.outcome, count: 1 }]);
    await admin.close();
  }
});
