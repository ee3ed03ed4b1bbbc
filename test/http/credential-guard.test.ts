/**
 * The restrictions on a verified request, the client address behind trusted proxies, and the
 * token bucket of a rate limit — each refusal with its reason, status and a message naming the
 * restriction.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseControls } from '../../src/core/credential-controls.js';
import { clientAddress } from '../../src/http/client-address.js';
import { checkRestrictions, compileGuard, type GuardedRequest } from '../../src/http/credential-guard.js';
import { renderRefusal } from '../../src/http/refusal.js';
import { TokenBucket } from '../../src/http/token-bucket.js';

const NOW = Date.UTC(2026, 11, 1, 12);

function request(overrides: Partial<GuardedRequest> & { headers?: Record<string, string> } = {}): GuardedRequest {
  const headers = overrides.headers ?? {};
  return { target: '/tiles/1.png?client=gme-a&signature=x', header: (name) => headers[name], peer: '203.0.113.9', trusts: () => false, expiresAt: undefined, now: NOW, ...overrides };
}

function guardFor(controls: unknown) {
  const guard = compileGuard('gme-a', parseControls(controls));
  assert.ok(guard !== undefined);
  return guard;
}

describe('restrictions', () => {
  test('a credential without controls has no guard', () => {
    assert.equal(compileGuard('gme-a', {}), undefined);
  });

  test('paths: a plain path under a prefix passes, anything else is PATH_NOT_ALLOWED', () => {
    const guard = guardFor({ allowPaths: ['/tiles/', '/styles'] });
    for (const target of ['/tiles/1/2/3.png?x=1', '/styles', '/styles/a.json']) assert.equal(checkRestrictions(guard, request({ target })), undefined, target);
    for (const target of ['/admin?x=1', '/styles-private/a', '/tiles/../admin', '/tiles/%2e%2e/admin', '/tiles/..%2Fadmin', '/tiles//x']) {
      const refusal = checkRestrictions(guard, request({ target }));
      assert.equal(refusal?.reason, 'PATH_NOT_ALLOWED', target);
      assert.equal(refusal.status, 403);
      assert.equal(refusal.message, 'Credential gme-a may only be used for paths under /tiles/, /styles, written plainly (no dot segments, //, \\ or escaped . / ; \\ %).');
    }
  });

  test('referrers: Origin first, else the origin of Referer; none is refused', () => {
    const guard = guardFor({ allowReferrers: ['https://app.example.com', '*.maps.example'] });
    const allowed = [{ origin: 'https://app.example.com' }, { referer: 'https://app.example.com/page?q=1' }, { origin: 'https://a.maps.example', referer: 'https://evil.test/' }];
    for (const headers of allowed) assert.equal(checkRestrictions(guard, request({ headers })), undefined, JSON.stringify(headers));
    const refused: [Record<string, string>, string][] = [
      [{}, 'this request names no origin in Origin or Referer'],
      [{ origin: 'null' }, 'this request names no origin in Origin or Referer'],
      [{ origin: 'https://evil.test', referer: 'https://app.example.com/' }, 'this request comes from https://evil.test'],
      [{ referer: 'https://app.example.com.evil.test/' }, 'this request comes from https://app.example.com.evil.test'],
    ];
    for (const [headers, why] of refused) {
      const refusal = checkRestrictions(guard, request({ headers }));
      assert.equal(refusal?.reason, 'REFERRER_NOT_ALLOWED');
      assert.equal(refusal.message, `Credential gme-a may only be used from https://app.example.com, *.maps.example; ${why}.`);
    }
  });

  test('networks: the peer, or behind trusted proxies the nearest untrusted X-Forwarded-For entry', () => {
    const guard = guardFor({ allowIps: ['203.0.113.0/24', '2001:db8::/32'] });
    const proxies = new Set(['10.0.0.5', '10.0.0.6']);
    const trusts = (address: string): boolean => proxies.has(address);
    assert.equal(checkRestrictions(guard, request({ peer: '::ffff:203.0.113.9' })), undefined);
    assert.equal(checkRestrictions(guard, request({ peer: '2001:db8::7' })), undefined);
    // An untrusted peer's X-Forwarded-For is ignored, whatever it says.
    const spoofed = checkRestrictions(guard, request({ peer: '198.51.100.1', headers: { 'x-forwarded-for': '203.0.113.9' } }));
    assert.equal(spoofed?.message, 'Credential gme-a may only be used from 203.0.113.0/24, 2001:db8::/32; this request comes from 198.51.100.1.');
    // Through two trusted proxies: the client is the first untrusted address from the right.
    assert.equal(checkRestrictions(guard, request({ peer: '10.0.0.5', trusts, headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.0.0.6' } })), undefined);
    const forged = checkRestrictions(guard, request({ peer: '10.0.0.5', trusts, headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' } }));
    assert.equal(forged?.reason, 'IP_NOT_ALLOWED');
    assert.match(forged.message, /this request comes from 198\.51\.100\.1\.$/);
    const garbage = checkRestrictions(guard, request({ peer: '10.0.0.5', trusts, headers: { 'x-forwarded-for': '<script>' } }));
    assert.equal(garbage?.message, 'Credential gme-a may only be used from 203.0.113.0/24, 2001:db8::/32; the client address cannot be read.');
  });

  test('expiry: required, and at most the maximum lifetime ahead', () => {
    const required = guardFor({ requireExpiry: true });
    assert.equal(checkRestrictions(required, request())?.reason, 'EXPIRY_REQUIRED');
    assert.match(checkRestrictions(required, request())!.message, /^Credential gme-a only accepts signed URLs that expire: sign with an expiry/);
    assert.equal(checkRestrictions(required, request({ expiresAt: new Date(NOW + 86_400_000) })), undefined);
    const bounded = guardFor({ maxLifetimeSeconds: 3600 });
    assert.equal(checkRestrictions(bounded, request({ expiresAt: new Date(NOW + 3_600_000) })), undefined);
    const far = checkRestrictions(bounded, request({ expiresAt: new Date(NOW + 3 * 3_600_000) }));
    assert.equal(far?.reason, 'LIFETIME_TOO_LONG');
    assert.equal(far.message, 'Credential gme-a accepts signed URLs that expire at most 1 h ahead; this one expires in 3 h, 2 h beyond that. Sign with a shorter expiry.');
    const justOver = checkRestrictions(bounded, request({ expiresAt: new Date(NOW + 3_601_000) }));
    assert.equal(justOver?.message, 'Credential gme-a accepts signed URLs that expire at most 1 h ahead; this one expires in 1 h, 1 s beyond that. Sign with a shorter expiry.');
    assert.equal(checkRestrictions(bounded, request())?.reason, 'EXPIRY_REQUIRED');
  });
});

describe('client address', () => {
  test('stops at the first untrusted hop and never reads further left', () => {
    const trusts = (a: string): boolean => a.startsWith('10.');
    assert.equal(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', trusts), '2.2.2.2');
    assert.equal(clientAddress('10.0.0.1', '1.1.1.1, 10.0.0.9', trusts), '1.1.1.1');
    assert.equal(clientAddress('10.0.0.1', '10.0.0.8, 10.0.0.9', trusts), '10.0.0.8');
    assert.equal(clientAddress('10.0.0.1', '1.1.1.1, ', trusts), undefined);
    assert.equal(clientAddress('192.0.2.1', '1.1.1.1', trusts), '192.0.2.1');
    assert.equal(clientAddress('10.0.0.1', undefined, trusts), '10.0.0.1');
    assert.equal(clientAddress(undefined, '1.1.1.1', trusts), undefined);
  });
});

describe('rate limits', () => {
  test('a bucket allows N at once, then one per 1/N of the period, and says how long to wait', () => {
    const bucket = new TokenBucket({ count: 3, per: 'second' });
    assert.deepEqual([bucket.take(0), bucket.take(0), bucket.take(0)], [0, 0, 0]);
    assert.ok(Math.abs(bucket.take(0) - 1000 / 3) < 1e-6);
    assert.ok(bucket.take(300) > 0);
    assert.equal(bucket.take(334), 0);
    const perMinute = new TokenBucket({ count: 2, per: 'minute' });
    perMinute.take(0);
    perMinute.take(0);
    assert.equal(perMinute.take(1000), 29_000);
    assert.equal(perMinute.take(30_000), 0);
  });

  test('a reload keeps the bucket when the limit is unchanged, and starts a new one when it changed', () => {
    const first = guardFor({ rateLimit: { count: 1, per: 'second' } });
    first.bucket!.take(0);
    assert.equal(compileGuard('gme-a', first.controls, first)!.bucket, first.bucket);
    assert.notEqual(compileGuard('gme-a', parseControls({ rateLimit: { count: 2, per: 'second' } }), first)!.bucket, first.bucket);
  });

  test('a 429 carries Retry-After', () => {
    const rendered = renderRefusal({ status: 429, reason: 'RATE_LIMITED', message: 'm', credentialId: 'gme-a', retryAfter: 2 }, false);
    assert.equal(rendered.headers['retry-after'], '2');
    assert.equal(rendered.body, '429 Too Many Requests: RATE_LIMITED\nm\n');
  });
});
