/**
 * Credential parsing and generation, and that secrets never leak through printing or errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { generateCredential, isMapsignError, parseCredential, signUrl, verifyUrl, type CredentialInput, type MapsignErrorCode } from '../../src/index.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';

describe('parseCredential', () => {
  it('accepts base64url secrets with or without padding, trimmed', () => {
    const padded = parseCredential({ scheme: 'google', client: 'gme-a', secret: SECRET });
    const bare = parseCredential({ scheme: 'google', client: 'gme-a', secret: ` ${SECRET.replace('=', '')}\n` });
    assert.equal(signUrl('/p', padded), signUrl('/p', bare));
    assert.equal(padded.secret.length, 20);
  });

  const bad: ReadonlyArray<readonly [string, CredentialInput, MapsignErrorCode, RegExp]> = [
    ['standard base64', { scheme: 'google', secret: 'vNIXE0xscrmjlyV+12Nj/BvUPaw=' }, 'INVALID_SECRET', /position 16\. It looks like standard base64: replace \+ with - and \/ with _/],
    ['other character', { scheme: 'google', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPa!=' }, 'INVALID_SECRET', /another character at position 27/],
    ['impossible length', { scheme: 'google', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=x' }, 'INVALID_SECRET', /not valid base64 \(29 characters/],
    ['empty', { scheme: 'streetmaps', key: 'k', secret: '  ' }, 'INVALID_SECRET', /is missing/],
    ['one leftover base64 character', { scheme: 'google', secret: 'A' }, 'INVALID_SECRET', /^The Google signing secret is not valid base64 \(1 characters, wrong length or padding\): check it was copied whole\.$/],
    ['padding only', { scheme: 'streetmaps', secret: '==' }, 'INVALID_SECRET', /^The Streetmaps signing secret is not valid base64 \(2 characters/],
    ['client and key together', { scheme: 'google', client: 'gme-a', key: 'AIzaX', secret: SECRET }, 'INVALID_ARGUMENT', /^Give a Google client ID \(client, --client\) or an API key \(key, --key\), not both: Google rejects a URL that carries both\.$/],
    ['client with space', { scheme: 'google', client: 'gme a', secret: SECRET }, 'INVALID_ARGUMENT', /client ID must be/],
    ['token without underscore', { scheme: 'maptiler', token: 'abcdef' }, 'INVALID_TOKEN', /KEY_SECRET; this one \(6 characters\)/],
    ['token without secret', { scheme: 'maptiler', token: 'abc_' }, 'INVALID_TOKEN', /lacks the key or the secret/],
    ['token with bad hex', { scheme: 'maptiler', token: `abc_${'zz'.repeat(16)}` }, 'INVALID_SECRET', /hexadecimal/],
    ['token with odd hex', { scheme: 'maptiler', token: `abc_${'a'.repeat(33)}` }, 'INVALID_SECRET', /even number of digits/],
    ['unknown scheme', { scheme: 'here', secret: SECRET } as never, 'UNKNOWN_SCHEME', /use one of google, streetmaps, maptiler/],
    ['not an object', 'google' as never, 'INVALID_ARGUMENT', /as an object/],
  ];
  for (const [name, input, code, message] of bad) {
    it(`rejects ${name} with ${code}`, () => {
      assert.throws(() => parseCredential(input), (error: unknown) => {
        assert.ok(isMapsignError(error, code), String(error));
        assert.match(error.message, message);
        const { secret, token } = (typeof input === 'object' ? input : {}) as { secret?: string; token?: string };
        for (const text of [secret, token]) if (text !== undefined && text.trim().length > 3) assert.ok(!error.message.includes(text.trim()));
        return true;
      });
    });
  }

  it('splits a MapTiler token at the first underscore; the key is not hex-checked', () => {
    const credential = parseCredential({ scheme: 'maptiler', token: `my-Key.9_${'AB'.repeat(16)}` });
    assert.equal(credential.id, 'my-Key.9');
  });
});

describe('generateCredential', () => {
  const shapes: ReadonlyArray<readonly ['google' | 'streetmaps' | 'maptiler', RegExp, RegExp]> = [
    ['google', /^gme-[0-9a-f]{16}$/, /^[A-Za-z0-9_-]{27}=$/],
    ['streetmaps', /^[0-9a-f]{40}$/, /^[A-Za-z0-9_-]{27}=$/],
    ['maptiler', /^[0-9a-f]{24}$/, /^[0-9a-f]{64}$/],
  ];
  for (const [scheme, idShape, secretShape] of shapes) {
    it(`${scheme}: provider format, unique, usable`, () => {
      const issued = generateCredential(scheme);
      const text = issued.reveal();
      assert.match(text.id, idShape);
      assert.match(text.secret, secretShape);
      if (scheme === 'maptiler') assert.equal(text.token, `${text.id}_${text.secret}`);
      assert.notEqual(generateCredential(scheme).reveal().secret, text.secret);
      const url = signUrl('https://t.example/a', issued.credential);
      assert.equal(verifyUrl(url, issued.credential).valid, true);
    });
  }
});

describe('secrets never print', () => {
  it('Secret, Credential and IssuedCredential redact in every printing path', () => {
    const issued = generateCredential('google');
    const secretText = issued.reveal().secret;
    const credential = parseCredential({ scheme: 'google', client: 'gme-a', secret: secretText });
    const printed = [
      JSON.stringify(credential), String(credential.secret), `${credential.secret}`, inspect(credential, { depth: 5, showHidden: true }),
      JSON.stringify(issued), String(issued), inspect(issued, { depth: 5, showHidden: true }),
    ];
    for (const text of printed) {
      assert.ok(!text.includes(secretText) && !text.includes(secretText.replace('=', '')), `leaked in: ${text}`);
      assert.match(text, /redacted/);
    }
  });
});
