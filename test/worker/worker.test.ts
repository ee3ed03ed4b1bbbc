/**
 * The example worker (examples/worker) bundled with esbuild and run in Cloudflare's workerd
 * through miniflare, offline: URLs signed by the Node API are verified at the "edge" from a
 * credentials binding — Google's official vector, a rotation overlap, a MapTiler full-URL
 * signature — and forwarded; tampered, unknown, revoked and unsigned ones are refused with the
 * reason and never reach the upstream; a broken binding is a clear 500 that leaks no secret.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { generateCredential, signUrl } from '../../src/index.js';
import { AUTH_PARAMS, stripParams } from '../../src/http/auth-params.js';

const ENTRY = fileURLToPath(new URL('../../examples/worker/worker.ts', import.meta.url));

// Google's published test credential and signed URL (Google Maps Platform, "Authentication and
// Authorization"); valid nowhere.
const GOOGLE = { scheme: 'google', client: 'clientID', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' } as const;
const GOOGLE_SIGNED = 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE=';

const streetmaps = generateCredential('streetmaps').reveal();
const previous = generateCredential('streetmaps').reveal();
const revoked = generateCredential('streetmaps').reveal();
// A MapTiler credential always reveals its token (KEY_SECRET).
const maptilerToken = generateCredential('maptiler').reveal().token!;
const BINDING = JSON.stringify([
  GOOGLE,
  { scheme: 'streetmaps', key: streetmaps.id, secret: streetmaps.secret },
  // The same key again: the previous secret, still inside its rotation overlap.
  { scheme: 'streetmaps', key: streetmaps.id, secret: previous.secret },
  { scheme: 'streetmaps', key: revoked.id, secret: revoked.secret, revoked: true },
  { scheme: 'maptiler', token: maptilerToken },
]);

const sm = (secret: string, path: string): string => signUrl(`http://edge.test${path}`, { scheme: 'streetmaps', key: streetmaps.id, secret });

describe('example worker in workerd', { timeout: 120_000 }, () => {
  let dir: string;
  let bundle: string;
  let mf: Miniflare | undefined;
  const reached: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapsign-worker-'));
    bundle = join(dir, 'worker.js');
    await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile: bundle, logLevel: 'warning' });
    mf = new Miniflare({
      modules: true,
      scriptPath: bundle,
      modulesRoot: dir,
      compatibilityDate: '2024-09-23',
      bindings: { MAPSIGN_CREDENTIALS: BINDING, UPSTREAM: 'http://upstream.test' },
      // Stands in for the internet: records what the worker forwards.
      outboundService: async (request: { url: string; headers: { get(name: string): string | null } }) => {
        reached.push(`${request.url} as ${request.headers.get('x-mapsign-credential')}`);
        return new Response('tile bytes', { status: 200 }) as never;
      },
    });
  });
  after(async () => {
    await mf?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('the bundle uses no Node API: it is the Web-standard verifier as is', async () => {
    assert.doesNotMatch(await readFile(bundle, 'utf8'), /from\s*["']node:|require\(["']node:/);
  });

  const cases: { name: string; url: () => string; status: number; body: RegExp }[] = [
    { name: "Google's official vector", url: () => GOOGLE_SIGNED, status: 200, body: /tile bytes/ },
    { name: 'the current Streetmaps secret', url: () => sm(streetmaps.secret, '/tiles/1/2/3.png'), status: 200, body: /tile bytes/ },
    { name: 'the previous secret during its overlap', url: () => sm(previous.secret, '/tiles/1/2/3.png'), status: 200, body: /tile bytes/ },
    { name: 'a MapTiler full-URL signature', url: () => signUrl('http://edge.test/maps/streets/style.json', { scheme: 'maptiler', token: maptilerToken }), status: 200, body: /tile bytes/ },
    { name: 'a tampered query', url: () => GOOGLE_SIGNED.replace('New+York', 'New+Jersey'), status: 403, body: /^403 Forbidden: SIGNATURE_MISMATCH\n/ },
    { name: 'an unknown client', url: () => signUrl('http://edge.test/maps/api/geocode/json?address=x', { scheme: 'google', client: 'gme-unknown', secret: GOOGLE.secret }), status: 403, body: /^403 Forbidden: UNKNOWN_CREDENTIAL\n/ },
    { name: 'a revoked key', url: () => signUrl('http://edge.test/tiles/1/2/3.png', { scheme: 'streetmaps', key: revoked.id, secret: revoked.secret }), status: 403, body: /^403 Forbidden: REVOKED_CREDENTIAL\n/ },
    { name: 'no signature', url: () => `http://edge.test/tiles/1/2/3.png?key=${streetmaps.id}`, status: 403, body: /^403 Forbidden: MISSING_SIGNATURE\n/ },
    { name: 'a signature that is not last', url: () => `${sm(streetmaps.secret, '/tiles/1/2/3.png')}&x=1`, status: 403, body: /^403 Forbidden: SIGNATURE_NOT_LAST\n/ },
  ];
  for (const { name, url, status, body } of cases) {
    test(`${status}: ${name}`, async () => {
      const target = url();
      const before = reached.length;
      const response = await mf!.dispatchFetch(target);
      assert.equal(response.status, status);
      assert.match(await response.text(), body);
      const forwarded = reached.slice(before);
      if (status === 200) {
        assert.equal(forwarded.length, 1);
        const { pathname, search } = new URL(target);
        const credential = forwarded[0]!.slice(forwarded[0]!.indexOf(' as '));
        assert.equal(forwarded[0], `http://upstream.test${stripParams(pathname + search, AUTH_PARAMS)}${credential}`, 'the verified target without client, key and signature');
      } else assert.deepEqual(forwarded, [], 'a refused request never reaches the upstream');
    });
  }

  test("a signed path beginning with '//evil.example/' is forwarded to UPSTREAM's host, never to evil.example", async () => {
    const target = sm(streetmaps.secret, '//evil.example/tiles/1/2/3.png');
    const before = reached.length;
    const response = await mf!.dispatchFetch(target);
    const body = await response.text();
    const forwarded = reached.slice(before).map((line) => new URL(line.slice(0, line.lastIndexOf(' as '))));
    assert.deepEqual(forwarded.map((url) => url.host), ['upstream.test'], `forwarded to ${forwarded.map(String).join(', ')}`);
    assert.equal(forwarded[0]!.pathname, '//evil.example/tiles/1/2/3.png', 'the path is kept as it was signed');
    assert.equal(response.status, 200, body);
  });

  test('refusals are never cached or sniffed', async () => {
    const refused = [GOOGLE_SIGNED.replace('New+York', 'Boston'), `http://edge.test/tiles/1/2/3.png?key=${streetmaps.id}`, 'http://edge.test/tiles/1/2/3.png'];
    for (const url of refused) {
      const response = await mf!.dispatchFetch(url);
      await response.text();
      assert.equal(response.status, 403, url);
      assert.equal(response.headers.get('cache-control'), 'no-store', url);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', url);
    }
  });

  test('a validly signed POST is refused with 405 and never forwarded', async () => {
    const before = reached.length;
    const response = await mf!.dispatchFetch(sm(streetmaps.secret, '/tiles/1/2/3.png'), { method: 'POST', body: 'payload' });
    const body = await response.text();
    assert.deepEqual(reached.slice(before), [], 'nothing forwarded');
    assert.equal(response.status, 405, body);
    assert.match(body, /^405 Method Not Allowed: METHOD_NOT_ALLOWED\n/);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  test('a broken binding is a clear 500 that names the entry and never the secret', async () => {
    const broken = new Miniflare({
      modules: true,
      scriptPath: bundle,
      modulesRoot: dir,
      compatibilityDate: '2024-09-23',
      bindings: { MAPSIGN_CREDENTIALS: JSON.stringify([GOOGLE, { scheme: 'google', client: 'gme-x', secret: 'not+base64url/secret' }]) },
    });
    try {
      const response = await broken.dispatchFetch(GOOGLE_SIGNED);
      const body = await response.text();
      assert.equal(response.status, 500);
      assert.match(body, /^500 Misconfigured: MAPSIGN_CREDENTIALS entry 2: /);
      assert.doesNotMatch(body, /not\+base64url|vNIXE0xscrmjlyV/);
      assert.equal((await broken.dispatchFetch('http://edge.test/healthz')).status, 200);
    } finally {
      await broken.dispose();
    }
  });
});
