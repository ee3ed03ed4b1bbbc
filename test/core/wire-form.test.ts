/**
 * Never a signature the server will reject: signing either refuses with a typed error or emits
 * a URL that mapsign's own verifier accepts, whose origin is the one a WHATWG client (browsers,
 * fetch, undici) sends; verification refuses input that cannot be a request target on the wire.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateCredential, isMapsignError, parseCredential, signUrl, verifyUrl, type Credential } from '../../src/index.js';
import { pythonHmacs } from '../support/python-hmac.js';

const TOKEN = `mk_${'ab'.repeat(32)}`;
const maptiler = parseCredential({ scheme: 'maptiler', token: TOKEN });

describe('full-URL schemes sign the origin clients send', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['upper-case scheme and host, default port', 'HTTPS://API.MapTiler.COM:443/a', 'https://api.maptiler.com/a'],
    ['a default port with a leading zero', 'https://api.maptiler.com:0443/a', 'https://api.maptiler.com/a'],
    ['an empty port', 'https://api.maptiler.com:/a', 'https://api.maptiler.com/a'],
    ['a port with a leading zero', 'https://tiles.example:08080/a', 'https://tiles.example:8080/a'],
    ['IPv4 shorthand', 'http://127.1:8080/a', 'http://127.0.0.1:8080/a'],
    ['IPv4 in hex', 'http://0x7f.0.0.1/a', 'http://127.0.0.1/a'],
    ['IPv4 as one number', 'http://2130706433/a', 'http://127.0.0.1/a'],
    ['IPv6 upper case, uncompressed', 'http://[2001:DB8:0:0:0:0:0:1]:80/a', 'http://[2001:db8::1]/a'],
    ['IPv4-mapped IPv6', 'http://[::FFFF:127.0.0.1]/a', 'http://[::ffff:7f00:1]/a'],
  ];
  const expected = pythonHmacs(cases.map(([, , origin]) => ({ algorithm: 'SHA-256', keyHex: 'ab'.repeat(32), message: `${origin}?key=mk` })));
  for (const [index, [name, input, origin]] of cases.entries()) {
    it(name, () => {
      const signed = signUrl(input, maptiler);
      assert.equal(signed, `${origin}?key=mk&signature=${expected[index]}`);
      assert.equal(new URL(signed).origin + new URL(signed).pathname, origin);
      assert.equal(verifyUrl(signed, maptiler).valid, true);
    });
  }

  const refused: ReadonlyArray<readonly [string, string, string]> = [
    ['a port over 65535', 'https://api.maptiler.com:65536/a', 'No HTTP client can send this URL: its port 65536 is over 65535.'],
    ['an IPv4 number over 255', 'http://256.1.1.1/a', 'No HTTP client can send this URL: its host is not a valid name or IP address (an IPv4 address has four numbers from 0 to 255).'],
    ['five IPv4 numbers', 'http://1.2.3.4.5/a', 'No HTTP client can send this URL: its host is not a valid name or IP address (an IPv4 address has four numbers from 0 to 255).'],
  ];
  for (const [name, url, message] of refused) {
    it(`refuses ${name}, and verification does not hash it`, () => {
      assert.throws(() => signUrl(url, maptiler), (error: unknown) => isMapsignError(error, 'INVALID_URL') && error.message === message);
      const result = verifyUrl(`${url}?key=mk&signature=${'A'.repeat(43)}=`, maptiler);
      assert.deepEqual(result, { valid: false, reason: 'MALFORMED_URL', message: `The URL cannot be parsed; send an absolute http(s) URL or a /path?query. ${message}` });
    });
  }
});

describe('verification refuses what is never on the wire', () => {
  const google = parseCredential({ scheme: 'google', client: 'gme-a', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' });
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['a raw space', '/geo?q=a b&client=gme-a&signature=x', 'a raw space at position 9'],
    ['a control character', '/geo?q=a\tb&client=gme-a&signature=x', 'a control character at position 9'],
    ['a non-ASCII character', '/geo?q=é&client=gme-a&signature=x', 'a non-ASCII character at position 8'],
    ['a lone surrogate', '/geo?q=\ud800&client=gme-a&signature=x', 'a lone UTF-16 surrogate at position 8'],
  ];
  it('ignores what follows #, which is never sent', () => {
    assert.equal(verifyUrl(`${signUrl('/geo?q=a', google)}#a b é`, google).valid, true);
  });

  for (const [name, url, what] of cases) {
    it(name, () => {
      assert.deepEqual(verifyUrl(url, google), {
        valid: false,
        reason: 'MALFORMED_URL',
        message: `The URL cannot be parsed; send an absolute http(s) URL or a /path?query. It has ${what}, which no HTTP client sends as is: verify the URL as it was sent, percent-encoded.`,
      });
    });
  }
});

describe('property: signing emits only URLs the verifier accepts', () => {
  const origin = fc.tuple(
    fc.constantFrom('https', 'HTTP', 'Https'),
    fc.constantFrom('api.maptiler.com', 'Maps.Example.COM', '127.1', '0x7f.0.0.1', '[::1]', '[0:0:0:0:0:0:0:1]', '999.1.1.1', 'example.com.'),
    fc.constantFrom('', ':', ':80', ':443', ':0443', ':8080', ':65535', ':65536', ':99999'),
  ).map(([scheme, host, port]) => `${scheme}://${host}${port}`);
  // Any UTF-16 text, lone surrogates and control characters included.
  const text = fc.string({ unit: 'binary', maxLength: 10 });
  const identity = fc.constantFrom('client', 'key');
  const credentials: Credential[] = [
    parseCredential({ scheme: 'google', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' }),
    parseCredential({ scheme: 'streetmaps', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' }),
    generateCredential('maptiler').credential,
    generateCredential('google').credential,
  ];
  it('or refuses with a MapsignError', () => {
    fc.assert(
      fc.property(origin, text, text, identity, text, fc.option(text), fc.constantFrom(...credentials.keys()), (o, path, value, param, id, channel, which) => {
        const url = `${o}/${path}?q=${value}&${param}=${id}${channel === null ? '' : `&channel=${channel}`}`;
        const credential = credentials[which]!;
        let signed: string;
        try {
          signed = signUrl(url, credential, { maxLength: Infinity });
        } catch (error) {
          assert.ok(isMapsignError(error), String(error));
          return;
        }
        const result = verifyUrl(signed, credential, { maxLength: Infinity });
        assert.equal(result.valid, true, `${signed}: ${result.valid ? '' : result.message}`);
        const wire = new URL(signed);
        assert.equal(signed.slice(0, wire.origin.length), wire.origin);
      }),
      { numRuns: 2000 },
    );
  });
});
