/**
 * Verification: every reason code, rotation, padding tolerance, and the last-signature rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCredential, REASON_MESSAGES, Secret, signUrl, verifyUrl, type VerifierCredential, type VerifyReason } from '../../src/index.js';

const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const OLD_SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhM=';
const current = parseCredential({ scheme: 'google', client: 'gme-acme', secret: SECRET });
const previous = parseCredential({ scheme: 'google', client: 'gme-acme', secret: OLD_SECRET });
const stored: VerifierCredential = { scheme: 'google', id: 'gme-acme', secrets: [current.secret, previous.secret] };
const signed = signUrl('/geo?q=a', current);
const signature = signed.slice(signed.lastIndexOf('=', signed.length - 2) + 1);

describe('verifyUrl reasons', () => {
  const cases: ReadonlyArray<readonly [VerifyReason, string, VerifierCredential?]> = [
    ['URL_TOO_LONG', `/geo?q=${'a'.repeat(2050)}&client=gme-acme&signature=${signature}`],
    ['MALFORMED_URL', 'ftp://x/geo?client=gme-acme&signature=x'],
    ['MISSING_SIGNATURE', '/geo?q=a&client=gme-acme'],
    ['MISSING_SIGNATURE', '/geo'],
    ['SIGNATURE_NOT_LAST', `/geo?q=a&client=gme-acme&signature=${signature}&x=1`],
    ['CLIENT_AND_KEY', `/geo?q=a&client=gme-acme&key=k&signature=${signature}`],
    ['MISSING_CREDENTIAL_ID', `/geo?q=a&signature=${signature}`],
    ['MISSING_CREDENTIAL_ID', `/geo?q=a&client=&signature=${signature}`],
    ['DUPLICATE_PARAMETER', `/geo?client=gme-acme&client=gme-acme&signature=${signature}`],
    ['DUPLICATE_PARAMETER', `/geo?client=gme-acme&channel=a&channel=b&signature=${signature}`],
    ['MALFORMED_SIGNATURE', '/geo?q=a&client=gme-acme&signature=abc'],
    ['MALFORMED_SIGNATURE', `/geo?q=a&client=gme-acme&signature=${signature.replace(/-/g, '+').replace(/_/g, '/')}x`],
    ['UNKNOWN_CREDENTIAL', `/geo?q=a&client=gme-other&signature=${signature}`],
    ['UNKNOWN_CREDENTIAL', `/geo?q=a&key=gme-acme&signature=${signature}`, { ...stored, id: 'gme-acme' }],
    ['REVOKED_CREDENTIAL', signed, { ...stored, revoked: true }],
    ['SIGNATURE_MISMATCH', signed.replace('q=a', 'q=b')],
  ];
  for (const [reason, url, credential] of cases) {
    it(`${reason}: ${url.slice(0, 60)}`, () => {
      const result = verifyUrl(url, credential ?? stored);
      assert.equal(result.valid, false);
      assert.equal(result.valid ? undefined : result.reason, reason);
      assert.ok(!result.valid && result.message.length > 20);
    });
  }

  it('reports the stable message and the string it checked on a mismatch', () => {
    const result = verifyUrl(signed.replace('q=a', 'q=b'), stored);
    assert.deepEqual(result, {
      valid: false,
      reason: 'SIGNATURE_MISMATCH',
      message: REASON_MESSAGES.SIGNATURE_MISMATCH,
      credentialId: 'gme-acme',
      scheme: 'google',
      signedString: '/geo?q=b&client=gme-acme',
    });
  });
});

describe('verifyUrl accepts', () => {
  it('a valid URL, naming the credential and channel', () => {
    const url = signUrl('/geo?q=a', current, { channel: 'ios' });
    assert.deepEqual(verifyUrl(url, stored), {
      valid: true,
      scheme: 'google',
      credentialId: 'gme-acme',
      channel: 'ios',
      secretIndex: 0,
      signedString: '/geo?q=a&client=gme-acme&channel=ios',
    });
  });

  it('the previous secret during a rotation overlap (secretIndex 1)', () => {
    const result = verifyUrl(signUrl('/geo?q=a', previous), stored);
    assert.equal(result.valid && result.secretIndex, 1);
  });

  it('a signature whose padding was dropped or percent-encoded', () => {
    assert.equal(verifyUrl(signed.replace(/=$/, ''), stored).valid, true);
    assert.equal(verifyUrl(signed.replace(/=$/, '%3D'), stored).valid, true);
  });

  it('a lookup function, and a credential without id', () => {
    assert.equal(verifyUrl(signed, (id) => (id === 'gme-acme' ? stored : undefined)).valid, true);
    assert.equal(verifyUrl(signUrl('/geo?client=anyone', parseCredential({ scheme: 'google', secret: SECRET })), parseCredential({ scheme: 'google', secret: SECRET })).valid, true);
  });

  it('a full-URL scheme given an origin-less path plus the public origin', () => {
    const token = parseCredential({ scheme: 'maptiler', token: `k1_${'ab'.repeat(32)}` });
    const url = signUrl('https://tiles.example.com/t/1.png', token);
    const path = url.slice('https://tiles.example.com'.length);
    assert.equal(verifyUrl(path, token, { origin: 'https://tiles.example.com' }).valid, true);
    assert.equal(verifyUrl(path, token, { origin: 'http://tiles.example.com' }).valid, false);
    assert.equal((verifyUrl(path, token) as { reason: string }).reason, 'MALFORMED_URL');
  });
});

describe('verifyUrl removes exactly the last signature parameter', () => {
  it('a valid signature followed by another signature= is not valid', () => {
    const result = verifyUrl(`${signed}&signature=${signature}`, stored);
    assert.equal(result.valid, false);
  });

  it('an attacker-added early signature= becomes part of the signed string', () => {
    // If every signature= were stripped, this URL would verify as /geo?q=a&client=gme-acme.
    const smuggled = signed.replace('/geo?q=a', '/geo?signature=x&q=a');
    const result = verifyUrl(smuggled, stored);
    assert.equal(result.valid, false);
    assert.equal(!result.valid && result.signedString, '/geo?signature=x&q=a&client=gme-acme');
  });

  it('ignores a fragment, as a server never receives it', () => {
    assert.equal(verifyUrl(`${signed}#x`, stored).valid, true);
  });

  it('works with a Secret built from raw bytes', () => {
    const secret = new Secret(new Uint8Array(20).fill(7));
    const url = signUrl('/a', { scheme: 'google', id: 'c', secret });
    assert.equal(verifyUrl(url, { scheme: 'google', id: 'c', secrets: [secret] }).valid, true);
  });
});
