/**
 * Signing edge cases: every defined behaviour of "What gets signed" (README) and every error
 * code, asserted with its message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildUrl, createSigner, isMapsignError, parseCredential, signUrl, type MapsignErrorCode, type SignOptions } from '../../src/index.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const google = parseCredential({ scheme: 'google', client: 'gme-acme', secret: SECRET });
const anonymous = parseCredential({ scheme: 'google', secret: SECRET });
const maptiler = parseCredential({ scheme: 'maptiler', token: `k1_${'ab'.repeat(32)}` });

const unsignedPart = (signed: string): string => signed.slice(0, signed.lastIndexOf('&signature='));

describe('signing writes exactly the bytes it signs', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['raw space becomes %20', 'https://a.example/geo?q=New York', 'https://a.example/geo?q=New%20York&client=gme-acme'],
    ['non-ASCII becomes UTF-8 escapes', '/geo?q=上海+中國', '/geo?q=%E4%B8%8A%E6%B5%B7+%E4%B8%AD%E5%9C%8B&client=gme-acme'],
    ["apostrophe becomes %27 (WHATWG rewrites it)", "/geo?q=O'Hare", '/geo?q=O%27Hare&client=gme-acme'],
    ['pipe and brackets are encoded', '/s?m=a|b&x=[1]', '/s?m=a%7Cb&x=%5B1%5D&client=gme-acme'],
    ['a lone % becomes %25, valid escapes stay', '/s?p=100%&q=%2F', '/s?p=100%25&q=%2F&client=gme-acme'],
    ['an empty path becomes /', 'https://a.example?x=1', 'https://a.example/?x=1&client=gme-acme'],
    ['scheme and host lower-cased, default port dropped', 'HTTPS://A.Example:443/p?x=1', 'https://a.example/p?x=1&client=gme-acme'],
    ['a non-default port is kept', 'http://127.0.0.1:8787/p', 'http://127.0.0.1:8787/p?client=gme-acme'],
    ['trailing ? gets the identity directly', '/p?', '/p?client=gme-acme'],
    ['trailing & is not doubled', '/p?a=1&', '/p?a=1&client=gme-acme'],
    ['an existing matching client is kept in place', '/p?client=gme-acme&a=1', '/p?client=gme-acme&a=1'],
    ['~ ( ) ! * stay as written', "/p?a=~(x)!*", "/p?a=~(x)!*&client=gme-acme"],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(unsignedPart(signUrl(input, google)), expected));
  }

  it('MapTiler replaces an existing key in place', () => {
    assert.equal(unsignedPart(signUrl('https://api.maptiler.com/x?key=old&a=1', maptiler)), 'https://api.maptiler.com/x?key=k1&a=1');
  });

  it('appends channel after the identity, and keeps an equal one', () => {
    assert.equal(unsignedPart(signUrl('/p', google, { channel: 'web' })), '/p?client=gme-acme&channel=web');
    assert.equal(unsignedPart(signUrl('/p?channel=web', google, { channel: 'web' })), '/p?channel=web&client=gme-acme');
  });

  it('createSigner gives the same URLs as signUrl', () => {
    const sign = createSigner({ scheme: 'google', client: 'gme-acme', secret: SECRET });
    assert.equal(sign('/p?a=1'), signUrl('/p?a=1', google));
  });
});

describe('signing refuses what a server would reject', () => {
  const long = `/p?x=${'a'.repeat(2048)}`;
  const cases: ReadonlyArray<readonly [string, string, MapsignErrorCode, RegExp, SignOptions?, typeof google?]> = [
    ['fragment', '/p?a=1#top', 'FRAGMENT_NOT_ALLOWED', /never send to the server; remove it/],
    ['dot segment', '/a/../b?x=1', 'DOT_SEGMENT', /"\." or "\.\." segment/],
    ['encoded dot segment', '/a/%2E%2e/b', 'DOT_SEGMENT', /resolve before sending/],
    ['already signed', '/p?a=1&signature=abc', 'ALREADY_SIGNED', /without it/],
    ['client and key', '/p?client=gme-acme&key=abc', 'CLIENT_AND_KEY', /^The URL carries both client= and key=, and servers reject that: keep client= to sign with the client ID \(client, --client\) or key= to sign with the API key \(key, --key\)\.$/],
    ['key= with a client ID credential', '/p?key=abc', 'IDENTITY_MISMATCH', /^The URL carries key= \(an API key\), but the credential is the client ID \(client, --client\); remove key= from the URL to sign with it, or sign with the API key \(key, --key\) and its own secret \(--scheme streetmaps for a Streetmaps key\)\.$/],
    ['duplicate client', '/p?client=a&client=b', 'DUPLICATE_PARAMETER', /2 client= parameters/],
    ['other client', '/p?client=gme-other', 'CREDENTIAL_MISMATCH', /differs from the credential/],
    ['no client anywhere', '/p?a=1', 'MISSING_CREDENTIAL_ID', /^The URL carries neither client= nor key=, and the credential names neither: pass the client ID \(client, --client\) or the API key \(key, --key\)\.$/, {}, anonymous],
    ['raw space in reject mode', '/p?q=a b', 'UNENCODED_CHARACTER', /The query has " " at position 4/, { unsendable: 'reject' }],
    ['too long', long, 'URL_TOO_LONG', /would be \d+ characters, over the limit of 2048/],
    ['not http', 'ftp://a.example/p', 'INVALID_URL', /Only http and https/],
    ['user info', 'https://user:pw@a.example/p', 'INVALID_URL', /user name or password/],
    ['relative path', 'p?x=1', 'INVALID_URL', /absolute URL/],
    ['bad host', 'https://a b.example/p', 'INVALID_URL', /host name/],
    ['lone surrogate', '/p?q=\ud800', 'INVALID_URL', /lone UTF-16 surrogate/],
    ['bad channel', '/p', 'INVALID_ARGUMENT', /^The channel option is not a valid channel: a channel is 1 to 64 ASCII letters, digits, periods, underscores or hyphens\.$/, { channel: 'a b' }],
    ['other channel', '/p?channel=x', 'INVALID_ARGUMENT', /different channel=/, { channel: 'y' }],
  ];
  for (const [name, url, code, message, options, credential] of cases) {
    it(name, () => {
      assert.throws(() => signUrl(url, credential ?? google, options), (error: unknown) => {
        assert.ok(isMapsignError(error, code), `expected ${code}, got ${String(error)}`);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), 'the message must not carry the secret');
        return true;
      });
    });
  }

  it('MapTiler needs an absolute URL', () => {
    assert.throws(() => signUrl('/maps/x', maptiler), { code: 'INVALID_URL', message: /signs the whole URL/ });
  });

  it('a URL of exactly the limit is accepted, one more character is not', () => {
    const base = '/p?x=';
    const room = 2048 - base.length - '&client=gme-acme'.length - '&signature='.length - 28;
    assert.equal(signUrl(base + 'a'.repeat(room), google).length, 2048);
    assert.throws(() => signUrl(base + 'a'.repeat(room + 1), google), { code: 'URL_TOO_LONG' });
  });
});

describe('buildUrl treats user input literally', () => {
  it('encodes reserved characters and non-ASCII, space as chosen', () => {
    const base = 'https://maps.googleapis.com/maps/api/geocode/json';
    assert.equal(buildUrl(base, { address: '5th&Main St.' }, { space: 'plus' }), `${base}?address=5th%26Main+St.`);
    assert.equal(buildUrl(base, { address: '5th&Main St.' }, { space: 'percent' }), `${base}?address=5th%26Main%20St.`);
    // Streetmaps, "Dev: SM: V2 Authentication": 上海+中國 → %E4%B8%8A%E6%B5%B7%2B%E4%B8%AD%E5%9C%8B; ? and the Mysterians → %3F+and+the+Mysterians
    assert.equal(buildUrl(base, [['q', '上海+中國']], { space: 'plus' }), `${base}?q=%E4%B8%8A%E6%B5%B7%2B%E4%B8%AD%E5%9C%8B`);
    assert.equal(buildUrl(base, [['q', '? and the Mysterians']], { space: 'plus' }), `${base}?q=%3F+and+the+Mysterians`);
  });

  it('repeats arrays, skips undefined, keeps an existing query', () => {
    assert.equal(buildUrl('/s?size=1x1', { markers: ['a', 'b'], zoom: 3, skip: undefined }, { space: 'plus' }), '/s?size=1x1&markers=a&markers=b&zoom=3');
  });

  it("encodes ! ' ( ) * which encodeURIComponent leaves alone", () => {
    assert.equal(buildUrl('/s', { q: "!'()*~" }, { space: 'plus' }), '/s?q=%21%27%28%29%2A~');
  });

  it('requires the space choice and enforces the limit', () => {
    assert.throws(() => buildUrl('/s', {}, {} as never), { code: 'INVALID_ARGUMENT', message: /space: 'plus'/ });
    assert.throws(() => buildUrl('/s', { q: 'a'.repeat(2050) }, { space: 'plus' }), { code: 'URL_TOO_LONG' });
    assert.throws(() => buildUrl('/s#x', {}, { space: 'plus' }), { code: 'FRAGMENT_NOT_ALLOWED' });
    assert.throws(() => buildUrl('/s', [['', 'x']], { space: 'plus' }), { code: 'INVALID_ARGUMENT' });
  });

  it('builds URLs that sign within the limit including the signature', () => {
    const url = buildUrl('/s', { q: 'a'.repeat(1990) }, { space: 'plus' });
    assert.throws(() => signUrl(url, google), { code: 'URL_TOO_LONG' });
  });
});
