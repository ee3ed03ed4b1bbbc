/**
 * A route's lifetime: the expiry steps (valid for at least half the lifetime and at most all of
 * it, the same within a step) and the capped `Cache-Control`; a service whose answers verify
 * with the library, carry `expires=` in range, repeat within a step (URL and ETag) and change
 * with the next; a signer that drops the expiry is refused; and a real `mapsign serve` forwards
 * a fresh URL and refuses one past its expiry as EXPIRED.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSigner, parseCredential, verifyUrl } from '../../src/index.js';
import { cacheControlWithin, expiryStep, parseLifetime } from '../../src/signer/lifetime.js';
import { createSigningService, parsePolicy, type SigningService } from '../../src/signer/index.js';
import { createCredential, credentialInput, openSqliteStore } from '../../src/store/index.js';
import { rawGet, startUpstream, tempDir } from '../gateway/helpers.js';
import { spawnServe } from '../support/serve-process.js';
import { APP_ORIGIN, get } from './helpers.js';

const LIFETIME = 600;
const SECRET = 'c2lnbmluZy1zZXJ2aWNlLWxpZmV0aW1lLXRlc3Q';
const T0 = Date.parse('2026-12-01T12:07:30Z');

/** A service with one route to `url`, a streetmaps credential `id`, a lifetime of 10 min and a clock. */
function lifetimeService(url: string, id: string, secret: string, clock: { ms: number }, signer = createSigner): SigningService {
  const policy = parsePolicy({ allowedOrigins: [APP_ORIGIN], routes: { tiles: { url, scheme: 'streetmaps', key: id, params: { style: { enum: ['dark', 'light'] } }, lifetime: '10m', cacheControl: 'public, max-age=3600' } } });
  return createSigningService({ policy, secrets: { MAPSIGN_SECRET: secret }, createSigner: signer, now: () => clock.ms });
}

function expiresOf(url: string): number {
  return Number(/[?&]expires=(\d+)/.exec(url)![1]) * 1000;
}

describe('expiry steps', () => {
  it('reads lifetimes as a whole number and a unit', () => {
    assert.deepEqual(['90s', '10m', '2h', '1d', '600', '1.5h', '0m', ' 1m'].map(parseLifetime), [90, 600, 7200, 86_400, undefined, undefined, undefined, undefined]);
  });

  it('gives an expiry within [now + lifetime/2, now + lifetime], the same within a step, and a max-age ending with it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 30 * 86_400 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 0, max: 30 * 86_400_000 }), (lifetime, now, later) => {
        const step = expiryStep(lifetime, now);
        const left = step.expiresAt.getTime() - now;
        assert.ok(left >= (lifetime * 1000) / 2 && left <= lifetime * 1000, `${left} ms left of ${lifetime} s`);
        assert.equal(step.expiresAt.getTime() % 1000, 0, 'whole seconds, as expires= writes them');
        assert.ok(step.secondsLeft * 1000 <= step.endsAtMs - now && step.endsAtMs > now);
        const next = expiryStep(lifetime, now + later);
        assert.equal(next.expiresAt.getTime() === step.expiresAt.getTime(), now + later < step.endsAtMs);
      }),
      { numRuns: 2000 },
    );
  });

  it('caps max-age and s-maxage, adds a max-age where none is, and leaves no-store alone', () => {
    assert.equal(cacheControlWithin('public, max-age=600', 42), 'public, max-age=42');
    assert.equal(cacheControlWithin('public, max-age=10, S-MaxAge=900', 42), 'public, max-age=10, s-maxage=42');
    assert.equal(cacheControlWithin('public, immutable', 42), 'public, immutable, max-age=42');
    assert.equal(cacheControlWithin('no-store', 42), 'no-store');
  });
});

describe('a route with a lifetime', () => {
  const url = 'https://tiles.example.com/tiles/1/2/3.png';
  const credential = parseCredential(credentialInput('streetmaps', 'k-lifetime', SECRET));

  it('signs expires= in range, verifiable with the library, the same URL and ETag within a step, capped max-age, and a newer one in the next', async () => {
    const clock = { ms: T0 };
    const service = lifetimeService(url, 'k-lifetime', SECRET, clock);
    const first = await get(service, '/tiles?style=dark');
    assert.equal(first.status, 302);
    const location = first.headers.get('location')!;
    assert.match(location, /^https:\/\/tiles\.example\.com\/tiles\/1\/2\/3\.png\?style=dark&key=k-lifetime&expires=\d+&signature=/);
    const verdict = verifyUrl(location, credential, { now: () => clock.ms });
    assert.equal(verdict.valid, true);
    const expires = expiresOf(location);
    assert.equal(verdict.valid && verdict.expiresAt?.getTime(), expires);
    assert.ok(expires >= T0 + (LIFETIME * 1000) / 2 && expires <= T0 + LIFETIME * 1000);
    // Steps of 5 min: 12:05:00–12:10:00, expiring at 12:15:00; at 12:07:30, 150 s are left in the step.
    assert.equal(new Date(expires).toISOString(), '2026-12-01T12:15:00.000Z');
    assert.equal(first.headers.get('cache-control'), 'public, max-age=150');

    clock.ms = T0 + 100_000;
    const again = await get(service, '/tiles?style=dark');
    assert.deepEqual([again.headers.get('location'), again.headers.get('etag')], [location, first.headers.get('etag')]);
    assert.equal(again.headers.get('cache-control'), 'public, max-age=50');
    assert.equal((await get(service, '/tiles?style=dark', { origin: APP_ORIGIN, 'if-none-match': first.headers.get('etag')! })).status, 304);

    clock.ms = T0 + 150_000;
    const next = await get(service, '/tiles?style=dark');
    assert.notEqual(next.headers.get('etag'), first.headers.get('etag'));
    assert.equal(new Date(expiresOf(next.headers.get('location')!)).toISOString(), '2026-12-01T12:20:00.000Z');
    assert.equal(next.headers.get('cache-control'), 'public, max-age=300');

    const expired = verifyUrl(location, credential, { now: () => expires + 30_000, clockSkewMs: 30_000 });
    assert.deepEqual([expired.valid, !expired.valid && expired.reason], [false, 'EXPIRED']);
    assert.equal(verifyUrl(location, credential, { now: () => expires - 1 }).valid, true);
  });

  it('refuses, without a signature, when the signer leaves out the expiry', async () => {
    const ignoring = (given: Parameters<typeof createSigner>[0]): ((url: string) => string) => createSigner(given);
    const service = lifetimeService(url, 'k-lifetime', SECRET, { ms: T0 }, ignoring);
    const response = await get(service, '/tiles?style=dark');
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.equal((JSON.parse(text) as { error: { reason: string } }).error.reason, 'SIGNING_FAILED');
    assert.ok(!text.includes('signature=') && response.headers.get('location') === null);
  });
});

describe('a lifetime behind a real mapsign serve', () => {
  it('is forwarded while fresh and refused as EXPIRED once past', async (t) => {
    const upstream = await startUpstream(t);
    const dbFile = join(await tempDir(t), 'mapsign.db');
    const store = openSqliteStore(dbFile);
    const issued = await createCredential(store, { scheme: 'streetmaps' });
    await store.close();
    const gateway = await spawnServe(t, ['--upstream', upstream.url, '--port', '0', '--db', dbFile, '--log', 'none', '--drain', '0']);

    const now = { ms: Date.now() };
    const service = lifetimeService(`${gateway.address}/tiles/1/2/3.png`, issued.text.id, issued.text.secret, now);
    const fresh = (await get(service, '/tiles?style=light')).headers.get('location')!;
    const target = fresh.slice(gateway.address.length);
    assert.equal((await rawGet(gateway.address, target)).status, 200);
    assert.deepEqual(upstream.seen.map((seen) => seen.url), [`/tiles/1/2/3.png?style=light&expires=${expiresOf(fresh) / 1000}`]);

    // Signed by a service whose clock is an hour behind: already past its expiry for the gateway.
    now.ms -= 3_600_000;
    const past = (await get(service, '/tiles?style=light')).headers.get('location')!;
    const refused = await rawGet(gateway.address, past.slice(gateway.address.length), { accept: 'application/json' });
    assert.deepEqual([refused.status, (JSON.parse(refused.body) as { error: { reason: string } }).error.reason], [403, 'EXPIRED']);
    assert.equal(upstream.seen.length, 1, 'an expired URL never reaches the upstream');
  });
});
