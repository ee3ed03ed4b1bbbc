/**
 * The pure description of a credential's controls: client networks (IPv4, IPv6, IPv4-mapped),
 * referrer patterns, path prefixes and the plain-path rule against the normalisations upstream
 * servers apply (a table of known tricks, and a property: no combination of decoding once or
 * twice, `;param` stripping, `//` merging, `\` as `/` and WHATWG dot-segment resolution takes
 * a plain path under a prefix outside it), rate limits, quotas, and the JSON form with its changes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isMapsignError } from '../../src/core/errors.js';
import { applyControlChanges, formatRateLimit, hasControls, parseControlChanges, parseControls, parseDailyQuota, parseRateLimit } from '../../src/core/credential-controls.js';
import { networkContains, parseIpAddress, parseIpNetwork } from '../../src/core/ip-network.js';
import { isPlainPath, parsePathPrefix, pathUnder } from '../../src/core/path-prefix.js';
import { formatReferrerPattern, originOf, parseReferrerPattern, referrerMatches } from '../../src/core/referrer-pattern.js';

const invalid = (pattern: RegExp) => (error: unknown) => isMapsignError(error, 'INVALID_ARGUMENT') && pattern.test(error.message);

describe('client networks', () => {
  const cases: readonly [network: string, address: string, inside: boolean][] = [
    ['203.0.113.0/24', '203.0.113.0', true],
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.114.1', false],
    ['203.0.113.0/24', '::ffff:203.0.113.9', true], // a dual-stack socket's form of an IPv4 peer
    ['203.0.113.0/24', '::ffff:cb00:7109', true], // the same address in hex groups
    ['203.0.113.0/24', '2001:db8::cb00:7109', false], // the same low bits, not mapped
    ['198.51.100.7', '198.51.100.7', true],
    ['198.51.100.7', '198.51.100.8', false],
    ['10.0.0.0/9', '10.127.255.255', true],
    ['10.0.0.0/9', '10.128.0.0', false],
    ['0.0.0.0/0', '192.0.2.1', true],
    ['0.0.0.0/0', '2001:db8::1', false], // every IPv4 address, no IPv6 one
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/32', '2001:0DB8:0:0:0:0:0:1', true],
    ['2001:db8:0:0:8::/77', '2001:db8:0:0:f:ffff::1', true], // bits 77–79 are past the prefix
    ['2001:db8:0:0:8::/77', '2001:db8:0:0:10::1', false],
    ['::1', '::1', true],
    ['::1', '127.0.0.1', false],
    ['::ffff:10.0.0.0/104', '10.1.2.3', true], // an IPv4 network written as mapped IPv6
    ['::ffff:10.0.0.0/104', '11.1.2.3', false],
    ['::/0', '10.1.2.3', true],
    ['fe80::/10', 'fe80::1%eth0', true], // a zone names an interface, not an address
  ];
  for (const [network, address, inside] of cases) {
    test(`${address} ${inside ? 'is' : 'is not'} in ${network}`, () => {
      const bytes = parseIpAddress(address);
      assert.ok(bytes !== undefined, address);
      assert.equal(networkContains(parseIpNetwork(network), bytes), inside);
    });
  }

  test('refuses what is not an address or a network address', () => {
    for (const [text, why] of [
      ['203.0.113.1/24', /bits set beyond \/24/],
      ['010.0.0.1', /not an IPv4 or IPv6 address/], // octal to some parsers
      ['256.1.1.1', /not an IPv4/],
      ['1.2.3', /not an IPv4/],
      ['1.2.3.4/33', /prefix length that is not 0 to 32/],
      ['2001:db8::/129', /0 to 128/],
      ['2001:db8::1::2', /not an IPv4 or IPv6/],
      ['1:2:3:4:5:6:7:8:9', /not an IPv4 or IPv6/],
      ['1:2:3:4:5:6:7', /not an IPv4 or IPv6/],
      ['fe80::1%eth0', /has a zone/],
      ['example.com', /not an IPv4 or IPv6/],
      ['10.0.0.0/08', /prefix length/],
      ['', /not an IPv4/],
    ] as const) {
      assert.throws(() => parseIpNetwork(text), invalid(why), text);
    }
    for (const text of ['1.2.3.4.5', '::ffff:1.2.3', 'abcde::1', '1.2.3.04', ' 1.2.3.4']) assert.equal(parseIpAddress(text), undefined, text);
  });
});

describe('referrer patterns', () => {
  const cases: readonly [pattern: string, origin: string, matches: boolean][] = [
    ['https://app.example.com', 'https://app.example.com', true],
    ['https://app.example.com', 'http://app.example.com', false],
    ['https://app.example.com', 'https://app.example.com:8443', false],
    ['https://app.example.com', 'https://evil-app.example.com', false],
    ['https://app.example.com', 'https://app.example.com.evil.test', false],
    ['app.example.com', 'http://app.example.com', true],
    ['app.example.com', 'https://app.example.com', true],
    ['*.example.com', 'https://maps.example.com', true],
    ['*.example.com', 'http://a.b.example.com', true],
    ['*.example.com', 'https://example.com', false], // the domain itself is listed on its own
    ['*.example.com', 'https://badexample.com', false],
    ['*.example.com', 'https://maps.example.com:8443', false],
    ['https://*.example.com', 'http://maps.example.com', false],
    ['https://*.example.com:8443', 'https://maps.example.com:8443', true],
    ['http://localhost:3000', 'http://localhost:3000', true],
    ['HTTPS://App.Example.COM:443', 'https://app.example.com', true],
  ];
  for (const [pattern, origin, matches] of cases) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${origin}`, () => {
      assert.equal(referrerMatches(parseReferrerPattern(pattern), origin), matches);
    });
  }

  test('reads the origin of Origin and Referer values as browsers normalise it', () => {
    assert.equal(originOf('https://App.Example.com:443/page?x=1#top'), 'https://app.example.com');
    assert.equal(originOf('http://localhost:3000/'), 'http://localhost:3000');
    assert.equal(originOf('https://app.example.com'), 'https://app.example.com');
    assert.equal(originOf('http://[2001:db8::1]:80/x'), 'http://[2001:db8::1]');
    for (const value of ['null', 'https://user@app.example.com/', 'file:///etc/passwd', 'app.example.com', 'https://app.example.com:99999/', 'https://exa mple.com/', '']) {
      assert.equal(originOf(value), undefined, value);
    }
  });

  test('writes one canonical form and refuses paths, other schemes and loose wildcards', () => {
    assert.equal(formatReferrerPattern(parseReferrerPattern('HTTPS://*.Example.com:443')), 'https://*.example.com');
    assert.equal(formatReferrerPattern(parseReferrerPattern('http://localhost:3000')), 'http://localhost:3000');
    for (const text of ['https://app.example.com/maps', 'ftp://example.com', '*example.com', 'https://a.*.example.com', '*', 'https://user@example.com', 'https://', '*.[::1]']) {
      assert.throws(() => parseReferrerPattern(text), invalid(/not an origin or a domain pattern; write https:\/\/app\.example\.com/), text);
    }
  });
});

describe('path prefixes and plain paths', () => {
  test('a prefix matches whole segments unless it ends with /', () => {
    assert.equal(pathUnder('/tiles/', '/tiles/1/2/3.png'), true);
    assert.equal(pathUnder('/tiles/', '/tiles'), false);
    assert.equal(pathUnder('/tiles', '/tiles'), true);
    assert.equal(pathUnder('/tiles', '/tiles/1.png'), true);
    assert.equal(pathUnder('/tiles', '/tiles-private/1.png'), false);
    assert.equal(pathUnder('/tiles/', '/TILES/1.png'), false);
  });

  // What an upstream might make of each path: each could leave /tiles/ after normalisation.
  const escapes: readonly [path: string, upstreamReading: string][] = [
    ['/tiles/../admin', 'RFC 3986 dot-segment removal'],
    ['/tiles/./../admin', 'dot segments'],
    ['/tiles/..', 'a trailing dot segment'],
    ['/tiles/%2e%2e/admin', 'decoding %2e before removing dot segments'],
    ['/tiles/%2E%2E/admin', 'upper-case escapes'],
    ['/tiles/.%2e/admin', 'half escaped'],
    ['/tiles/..%2fadmin', 'decoding %2F into /'],
    ['/tiles%2F..%2Fadmin', 'an escaped slash in the prefix itself'],
    ['/tiles/..\\admin', 'IIS reading \\ as /'],
    ['/tiles/%5c..%5cadmin', 'an escaped backslash'],
    ['/tiles//../admin', 'merging // first'],
    ['/tiles/..;/admin', "Tomcat's path parameter on a dot segment"],
    ['/tiles/..;x=1/admin', 'a path parameter with a value'],
    ['/tiles/..%3b/admin', 'an escaped ;'],
    ['/tiles/%252e%252e/admin', 'decoding twice'],
    ['/tiles/%00/../admin', 'a NUL that ends a C string'],
    ['/tiles/%7f', 'DEL'],
    ['/tiles/%2%65%2%65/admin', 'a sloppy second decode of %2 followed by %65'],
    ['/tiles/%%32%65%%32%65/admin', 'a second decode of %%32%65'],
    ['/tiles/..%%32%66admin', 'a second decode of %%32%66 into /'],
    ['/tiles/%%35%63..%%35%63admin', 'a second decode into \\'],
    ['/tiles/%41', 'an escaped unreserved letter (a second decode could make it anything)'],
    ['/tiles/%c0%ae%c0%ae/admin', 'overlong UTF-8 for .'],
    ['/tiles/%e0%80%ae%e0%80%ae/admin', 'three-byte overlong UTF-8 for .'],
    ['/tiles/..%c0%afadmin', 'overlong UTF-8 for /'],
    ['/tiles/%u002e%u002e/admin', "IIS's %u escapes"],
    ['/tiles/%ef%bc%8e%ef%bc%8e/admin', 'fullwidth dots, NFKC-normalised'],
    ['/tiles/..%20/admin', 'Windows trimming a trailing space'],
    ['/tiles/.../admin', 'Windows trimming trailing dots'],
    ['/tiles/x/..%3F/admin', 'an escaped ? after a dot segment'],
    ['/tiles/%zz', 'a % without two hex digits'],
  ];
  for (const [path, reading] of escapes) {
    test(`${path} is not plain (${reading})`, () => assert.equal(isPlainPath(path), false));
  }

  test('ordinary tile and API paths are plain', () => {
    for (const path of ['/tiles/1/2/3.png', '/tiles/v1.2/a..b/c.pbf', '/maps/api/staticmap', '/a/.hidden', '/a/b%20c', '/tiles/Z%C3%BCrich.png', '/tiles/a%2Cb', '/tiles/;v=1', '/']) assert.equal(isPlainPath(path), true, path);
  });

  test('a prefix must be a plain path an upstream routes', () => {
    assert.equal(parsePathPrefix('/tiles/'), '/tiles/');
    assert.throws(() => parsePathPrefix('tiles/'), invalid(/must start with \//));
    assert.throws(() => parsePathPrefix('/tiles/?x=1'), invalid(/no \?, #/));
    assert.throws(() => parsePathPrefix('/tiles/../'), invalid(/dot segment/));
    assert.throws(() => parsePathPrefix('/tiles/%2e/'), invalid(/escape of/));
  });
});

describe('controls as text and JSON', () => {
  test('rate limits and quotas parse from what operators type', () => {
    assert.deepEqual(parseRateLimit('50/s'), { count: 50, per: 'second' });
    assert.deepEqual(parseRateLimit('600/min'), { count: 600, per: 'minute' });
    assert.equal(formatRateLimit({ count: 600, per: 'minute' }), '600/min');
    for (const text of ['50', '50/h', '0/s', '-1/s', '1.5/s', '2000000/s', '50 / s']) assert.throws(() => parseRateLimit(text), invalid(/must be N\/s or N\/min/), text);
    assert.equal(parseDailyQuota('100000'), 100000);
    for (const text of ['0', '-5', '1e5', '12.5', 'lots', '']) assert.throws(() => parseDailyQuota(text), invalid(/The daily quota must be a whole number from 1/), text);
  });

  test('JSON is checked field by field and written in canonical form', () => {
    const controls = parseControls({
      dailyQuota: 1000,
      allowReferrers: ['HTTPS://App.example.com', 'https://app.example.com'],
      allowIps: ['2001:DB8::/32'],
      allowPaths: ['/tiles/'],
      maxLifetimeSeconds: 3600,
      rateLimit: { count: 5, per: 'second' },
    });
    assert.deepEqual(controls, {
      allowPaths: ['/tiles/'],
      allowReferrers: ['https://app.example.com'],
      allowIps: ['2001:db8::/32'],
      requireExpiry: true, // implied by a maximum lifetime
      maxLifetimeSeconds: 3600,
      rateLimit: { count: 5, per: 'second' },
      dailyQuota: 1000,
    });
    assert.deepEqual(parseControls(JSON.parse(JSON.stringify(controls))), controls);
    assert.equal(hasControls(parseControls({})), false);
    for (const [value, why] of [
      [{ allowPath: ['/a/'] }, /unknown field "allowPath"; the fields are allowPaths/],
      [{ allowPaths: [] }, /allowPaths must be a list of 1 to 100 strings \(clear it/],
      [{ allowPaths: '/a/' }, /allowPaths must be a list/],
      [{ allowPaths: [7] }, /allowPaths must hold strings only/],
      [{ requireExpiry: false }, /requireExpiry must be true/],
      [{ rateLimit: { count: 5, per: 'hour' } }, /rateLimit must be \{"count": N/],
      [{ rateLimit: { count: 5, per: 'second', burst: 9 } }, /rateLimit must be/],
      [{ dailyQuota: 0 }, /dailyQuota must be a whole number from 1/],
      [{ maxLifetimeSeconds: 1.5 }, /maxLifetimeSeconds must be a whole number/],
      [[], /must be a JSON object/],
      [null, /must be a JSON object/],
    ] as const) {
      assert.throws(() => parseControls(value), invalid(why), JSON.stringify(value));
    }
  });

  test('changes set, clear or keep each field', () => {
    const start = parseControls({ allowPaths: ['/a/'], requireExpiry: true, maxLifetimeSeconds: 60, dailyQuota: 10 });
    const changes = parseControlChanges({ allowPaths: ['/b/', '/c/'], dailyQuota: null, rateLimit: { count: 1, per: 'minute' } });
    assert.deepEqual(applyControlChanges(start, changes), { allowPaths: ['/b/', '/c/'], requireExpiry: true, maxLifetimeSeconds: 60, rateLimit: { count: 1, per: 'minute' } });
    // Lifting the requirement lifts the lifetime bound with it; lifting only the bound keeps the requirement.
    assert.deepEqual(applyControlChanges(start, { requireExpiry: null }), { allowPaths: ['/a/'], dailyQuota: 10 });
    assert.deepEqual(applyControlChanges(start, { maxLifetimeSeconds: null }), { allowPaths: ['/a/'], requireExpiry: true, dailyQuota: 10 });
    assert.throws(() => parseControlChanges({ allowIps: ['10.0.0.1/8'] }), invalid(/bits set beyond \/8/));
  });
});

describe('plain paths against upstream normalisations', () => {
  /** Decodes every %XX once, as a server that decodes before routing does. */
  const decode = (path: string): string => path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  /** Windows: a name loses its trailing dots and spaces; read one of dots and spaces only as `..`, the worst case. */
  const trimNames = (path: string): string => path.split('/').map((segment) => (/^[. ]+$/.test(segment) ? '..' : segment.replace(/[. ]+$/, ''))).join('/');
  const stripParams = (path: string): string => path.split('/').map((segment) => segment.split(';')[0]).join('/');
  const mergeSlashes = (path: string): string => path.replace(/\/{2,}/g, '/');
  const backslashes = (path: string): string => path.replace(/\\/g, '/');
  /** RFC 3986 dot-segment removal with WHATWG's reading of `%2e` and `\`. */
  const resolve = (path: string): string => new URL(`http://upstream${path.startsWith('/') ? '' : '/'}${path}`).pathname;
  const steps = [decode, decode, stripParams, mergeSlashes, backslashes, trimNames];

  test('no combination of them takes a plain path under /tiles/ outside it', () => {
    const alphabet = fc.constantFrom('.', '..', '/', '%', '2', 'e', 'E', 'f', 'F', '5', '6', 'c', '3', 'b', ';', '\\', 'a', '%2e', '%2f', '%5c', '%25', '%3b', '%32', '%35', '%36', '%65', '%20', ' ', '%c0%ae');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), fc.array(fc.boolean(), { minLength: steps.length, maxLength: steps.length }), (parts, chosen) => {
        const path = `/tiles/${parts.join('')}`;
        if (!isPlainPath(path)) return;
        let read = path;
        steps.forEach((step, i) => {
          if (chosen[i]) read = step(read);
        });
        assert.ok(resolve(read).startsWith('/tiles/'), `${path} is read as ${resolve(read)}`);
      }),
      { numRuns: 5000 },
    );
  });
});
