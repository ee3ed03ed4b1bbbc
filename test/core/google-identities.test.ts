/**
 * Google's two identities — a client ID in `client=` and an API key in `key=` — chosen by the
 * credential or by the URL, with Google's channel rules per identity, and every refusal when
 * the URL and the credential disagree (what the URL carries, and the option that fixes it).
 * Expected signatures are computed by Python's hmac (test/support/python-hmac.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guessScheme, isMapsignError, parseCredential, signUrl, verifyUrl, type CredentialInput, type MapsignErrorCode, type SignOptions } from '../../src/index.js';
import * as web from '../../src/web.js';
import { pythonHmacs } from '../support/python-hmac.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const SECRET_HEX = Buffer.from(SECRET, 'base64url').toString('hex');
const STATIC_MAP = 'https://maps.googleapis.com/maps/api/staticmap?center=40.714728,-73.998672&zoom=12&size=400x400';
const PATH = STATIC_MAP.slice('https://maps.googleapis.com'.length);

interface Case {
  readonly name: string;
  readonly url: string;
  readonly credential: CredentialInput;
  readonly options?: SignOptions;
  /** The string Google signs: what the emitted URL reads after its origin, before `&signature=`. */
  readonly signed: string;
}

const CASES: readonly Case[] = [
  { name: 'API key from the credential', url: STATIC_MAP, credential: { scheme: 'google', key: 'AIzaSyTEST', secret: SECRET }, signed: `${PATH}&key=AIzaSyTEST` },
  { name: 'API key carried by the URL', url: `${STATIC_MAP}&key=AIzaSyTEST`, credential: { scheme: 'google', secret: SECRET }, signed: `${PATH}&key=AIzaSyTEST` },
  { name: 'client ID carried by the URL', url: `${STATIC_MAP}&client=gme-acme`, credential: { scheme: 'google', secret: SECRET }, signed: `${PATH}&client=gme-acme` },
  { name: 'API key with a numeric channel', url: STATIC_MAP, credential: { scheme: 'google', key: 'AIzaSyTEST', secret: SECRET }, options: { channel: '42' }, signed: `${PATH}&key=AIzaSyTEST&channel=42` },
  { name: 'client ID with a named channel', url: STATIC_MAP, credential: { scheme: 'google', client: 'gme-acme', secret: SECRET }, options: { channel: 'web.app' }, signed: `${PATH}&client=gme-acme&channel=web.app` },
];

describe('google signs with a client ID or an API key', () => {
  const expected = pythonHmacs(CASES.map((c) => ({ algorithm: 'SHA-1', keyHex: SECRET_HEX, message: c.signed })));
  for (const [index, c] of CASES.entries()) {
    const signedUrl = `https://maps.googleapis.com${c.signed}&signature=${expected[index]}`;
    it(`${c.name}: node:crypto and WebCrypto agree with Python`, async () => {
      assert.equal(signUrl(c.url, c.credential, c.options), signedUrl);
      assert.equal(await web.signUrl(c.url, c.credential, c.options), signedUrl);
      const result = verifyUrl(signedUrl, parseCredential(c.credential));
      assert.equal(result.valid, true);
      assert.equal((await web.verifyUrl(signedUrl, parseCredential(c.credential))).valid, true);
    });
  }

  it('an API key credential does not verify the same text sent as client=', () => {
    const url = signUrl(`${STATIC_MAP}&client=AIzaSyTEST`, { scheme: 'google', secret: SECRET });
    const result = verifyUrl(url, parseCredential({ scheme: 'google', key: 'AIzaSyTEST', secret: SECRET }));
    assert.equal(result.valid, false);
    assert.equal(!result.valid && result.reason, 'UNKNOWN_CREDENTIAL');
    assert.equal(!result.valid && result.message, 'This Google Maps Platform credential is sent as key=, but the URL carries client=; send it as key=, or verify with the credential of that client ID.');
  });
});

describe('google refusals say what the URL carries and what fixes it', () => {
  const key = { scheme: 'google', key: 'AIzaSyTEST', secret: SECRET } as const;
  const anonymous = { scheme: 'google', secret: SECRET } as const;
  const cases: ReadonlyArray<readonly [string, string, CredentialInput, MapsignErrorCode, string, SignOptions?]> = [
    ['client= with an API key credential', `${STATIC_MAP}&client=gme-acme`, key, 'IDENTITY_MISMATCH',
      'The URL carries client= (a Google client ID), but the credential is the API key (key, --key); remove client= from the URL to sign with it, or sign with the client ID (client, --client) and its own secret.'],
    ['both identities', `${STATIC_MAP}&client=gme-acme&key=AIzaSyTEST`, anonymous, 'CLIENT_AND_KEY',
      'The URL carries both client= and key=, and servers reject that: keep client= to sign with the client ID (client, --client) or key= to sign with the API key (key, --key).'],
    ['a named channel with an API key', STATIC_MAP, key, 'INVALID_ARGUMENT', 'The channel option is not a valid channel: with an API key (key=) a channel is a number from 0 to 999.', { channel: 'web' }],
    ['channel 1000 with an API key', STATIC_MAP, key, 'INVALID_ARGUMENT', 'The channel option is not a valid channel: with an API key (key=) a channel is a number from 0 to 999.', { channel: '1000' }],
    ['a leading zero in a numeric channel', STATIC_MAP, key, 'INVALID_ARGUMENT', 'The channel option is not a valid channel: with an API key (key=) a channel is a number from 0 to 999.', { channel: '07' }],
    ["a named channel in an API key's URL", `${STATIC_MAP}&channel=web`, key, 'INVALID_ARGUMENT',
      'The URL\'s channel= is "web", but with an API key (key=) a channel is a number from 0 to 999: use a number, or sign with the client ID (client, --client) for a named channel.'],
    ['an empty key= and no key in the credential', `${STATIC_MAP}&key=`, anonymous, 'MISSING_CREDENTIAL_ID',
      "The URL's key= is empty, so no server can tell whose signature it is; put the key there, or pass it with the credential (key, --key)."],
    ['a key= that is not UTF-8', `${STATIC_MAP}&key=%FF`, anonymous, 'MISSING_CREDENTIAL_ID',
      "The URL's key= is not percent-encoded UTF-8, so no server can tell whose signature it is; put the key there, or pass it with the credential (key, --key)."],
    ['two channels', `${STATIC_MAP}&channel=1&channel=2`, key, 'DUPLICATE_PARAMETER', 'The URL has 2 channel= parameters; keep exactly one.'],
  ];
  for (const [name, url, credential, code, message, options] of cases) {
    it(name, () => {
      assert.throws(() => signUrl(url, credential, options), (error: unknown) => {
        assert.ok(isMapsignError(error, code), `expected ${code}, got ${String(error)}`);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

describe('streetmaps and maptiler keep key= only', () => {
  const cases: ReadonlyArray<readonly [string, string, CredentialInput, MapsignErrorCode, string]> = [
    ['streetmaps with client=', '/geocode?q=x&client=gme-acme', { scheme: 'streetmaps', key: 'k', secret: SECRET }, 'IDENTITY_MISMATCH',
      'The URL carries client= (a Google client ID), but Streetmaps (API key) signs with key=; remove client=, or sign it as Google with --scheme google --client.'],
    ['maptiler with client=', 'https://api.maptiler.com/x?client=gme-acme', { scheme: 'maptiler', token: `k1_${'ab'.repeat(32)}` }, 'IDENTITY_MISMATCH',
      'The URL carries client= (a Google client ID), but MapTiler (credentials token) signs with key=; remove client=, or sign it as Google with --scheme google --client.'],
    ['streetmaps without any key', '/geocode?q=x', { scheme: 'streetmaps', secret: SECRET }, 'MISSING_CREDENTIAL_ID',
      'The URL carries no key= and the credential names no key: pass the API key (key, --key).'],
    ['streetmaps with both', '/geocode?client=a&key=b', { scheme: 'streetmaps', secret: SECRET }, 'CLIENT_AND_KEY',
      'The URL carries both client= and key=, and servers reject that: remove client=; Streetmaps (API key) signs with key=.'],
  ];
  for (const [name, url, credential, code, message] of cases) {
    it(name, () => {
      assert.throws(() => signUrl(url, credential), (error: unknown) => {
        assert.ok(isMapsignError(error, code), `expected ${code}, got ${String(error)}`);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

describe('guessScheme tells Google API keys from Streetmaps keys', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    [`${STATIC_MAP}&key=anything`, 'google'],
    ['https://tiles.example.com/a?key=AIzaSyTEST', 'google'],
    ['https://api.streetmaps.example/geocode?key=YOURAPIKEY', 'streetmaps'],
    ['https://api.maptiler.com/maps/x.json?key=AIzaLookalike', 'maptiler'],
    [`${STATIC_MAP}&client=gme-acme`, 'google'],
  ];
  for (const [url, scheme] of cases) it(`${url.slice(0, 60)} → ${scheme}`, () => assert.equal(guessScheme(url), scheme));
});
