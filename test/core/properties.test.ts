/**
 * Property tests: sign → verify round trips on both runtimes, single-character tampering is
 * always caught, and signatures agree with two independent implementations — Python's `hmac`
 * (one python3 process per batch) and the most used npm peer, `@googlemaps/url-signature`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import peer from '@googlemaps/url-signature';
import fc from 'fast-check';
import { generateCredential, signUrl, verifyUrl, type Credential, type SchemeName } from '../../src/index.js';
import * as web from '../../src/web.js';

/** Path segments and query values from any Unicode text, including characters that get encoded. */
const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !/[/?#]|^\.{1,2}$/.test(s) && !/^(?:\.|%2e){1,2}$/i.test(s));
const value = fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => !s.includes('#'));
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/).filter((n) => !['client', 'key', 'signature', 'channel'].includes(n));
const rawUrl = fc
  .tuple(fc.constantFrom('https://maps.example.com', 'http://127.0.0.1:8080', 'https://api.maptiler.com'), fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(name, value), { maxLength: 5 }))
  .map(([origin, segments, params]) => `${origin}/${segments.join('/')}${params.length === 0 ? '' : `?${params.map(([n, v]) => `${n}=${v}`).join('&')}`}`)
  .filter((url) => !/[\ud800-\udfff]/.test(url.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
const schemeName = fc.constantFrom<SchemeName>('google', 'streetmaps', 'maptiler');

const credentials = new Map<SchemeName, Credential>((['google', 'streetmaps', 'maptiler'] as const).map((s) => [s, generateCredential(s).credential]));

describe('properties', () => {
  it('sign then verify always passes, and both runtimes agree', async () => {
    await fc.assert(
      fc.asyncProperty(rawUrl, schemeName, async (url, scheme) => {
        const credential = credentials.get(scheme)!;
        const signed = signUrl(url, credential, { maxLength: Infinity });
        assert.equal(await web.signUrl(url, credential, { maxLength: Infinity }), signed);
        assert.equal(verifyUrl(signed, credential, { maxLength: Infinity }).valid, true, signed);
        assert.equal((await web.verifyUrl(signed, credential, { maxLength: Infinity })).valid, true);
      }),
      { numRuns: 300 },
    );
  });

  it('any single changed character of path, query or signature is rejected', () => {
    fc.assert(
      fc.property(rawUrl, schemeName, fc.nat(), fc.constantFrom(...'AZaz09-_.~%+=&/'), (url, scheme, at, replacement) => {
        const credential = credentials.get(scheme)!;
        const signed = signUrl(url, credential, { maxLength: Infinity });
        // Google and Streetmaps do not sign the host, so only path, query and signature are changed.
        const start = signed.indexOf('/', signed.indexOf('//') + 2);
        const index = start + (at % (signed.length - start));
        fc.pre(signed[index] !== replacement);
        const tampered = signed.slice(0, index) + replacement + signed.slice(index + 1);
        assert.equal(verifyUrl(tampered, credential, { maxLength: Infinity }).valid, false, `${signed} → ${tampered}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('signatures equal those of Python hmac, computed independently', () => {
    const samples = fc.sample(fc.tuple(rawUrl, schemeName), 200).map(([url, scheme]) => {
      const issued = generateCredential(scheme);
      const signed = signUrl(url, issued.credential, { maxLength: Infinity });
      const unsigned = signed.slice(0, signed.lastIndexOf('&signature='));
      return { scheme, secret: issued.reveal().secret, unsigned, signature: signed.slice(signed.lastIndexOf('&signature=') + 11) };
    });
    const python = `
import base64, hashlib, hmac, json, sys, urllib.parse
out = []
for s in json.load(sys.stdin):
    if s["scheme"] == "maptiler":
        key, message, digest = base64.b16decode(s["secret"], casefold=True), s["unsigned"], hashlib.sha256
    else:
        u = urllib.parse.urlsplit(s["unsigned"])
        key, message, digest = base64.urlsafe_b64decode(s["secret"]), u.path + "?" + u.query, hashlib.sha1
    out.append(base64.urlsafe_b64encode(hmac.new(key, message.encode(), digest).digest()).decode())
print(json.dumps(out))`;
    const expected = JSON.parse(execFileSync('python3', ['-c', python], { input: JSON.stringify(samples) }).toString()) as string[];
    assert.deepEqual(samples.map((s) => s.signature), expected);
  });

  it('Google signatures equal @googlemaps/url-signature on URLs it leaves unchanged', () => {
    const issued = generateCredential('google');
    fc.assert(
      fc.property(rawUrl, (url) => {
        const signed = signUrl(url, issued.credential, { maxLength: Infinity });
        const unsigned = signed.slice(0, signed.lastIndexOf('&signature='));
        const pathAndQuery = unsigned.slice(unsigned.indexOf('/', unsigned.indexOf('//') + 2));
        assert.equal(`${peer.createSignatureForPathAndQuery(pathAndQuery, issued.reveal().secret)}`, signed.slice(signed.lastIndexOf('&signature=') + 11));
      }),
      { numRuns: 200 },
    );
  });
});
