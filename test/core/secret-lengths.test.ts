/**
 * Secrets as they come: any secret that decodes to a non-empty byte string is an HMAC key, on
 * both runtimes, with the same signature Python's hmac gives (RFC 2104 pads short keys and
 * hashes keys longer than the block); an unusual length is a warning in explain, not a refusal.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { explainUrl, parseCredential, signUrl, type CredentialInput } from '../../src/index.js';
import * as web from '../../src/web.js';
import { pythonHmacs } from '../support/python-hmac.js';

// 1 byte up to past both hash block sizes (64 bytes), where HMAC hashes the key first.
const LENGTHS = [1, 2, 3, 15, 16, 19, 20, 21, 32, 63, 64, 65, 100, 200];

interface LengthCase {
  readonly bytes: Buffer;
  readonly credential: CredentialInput;
  readonly url: string;
  readonly message: string;
  readonly algorithm: 'SHA-1' | 'SHA-256';
  readonly usual: boolean;
}

const cases: LengthCase[] = LENGTHS.flatMap((length) => {
  const bytes = randomBytes(length);
  return [
    { bytes, credential: { scheme: 'google', key: 'AIzaK', secret: bytes.toString('base64url') }, url: '/maps/api/staticmap?size=1x1', message: '/maps/api/staticmap?size=1x1&key=AIzaK', algorithm: 'SHA-1', usual: length === 20 },
    { bytes, credential: { scheme: 'streetmaps', key: 'k', secret: `${bytes.toString('base64url')}${'='.repeat((4 - (Math.ceil((length * 4) / 3) % 4)) % 4)}` }, url: '/geocode?q=a', message: '/geocode?q=a&key=k', algorithm: 'SHA-1', usual: length >= 16 && length <= 64 },
    { bytes, credential: { scheme: 'maptiler', token: `mk_${bytes.toString('hex').toUpperCase()}` }, url: 'https://api.maptiler.com/a', message: 'https://api.maptiler.com/a?key=mk', algorithm: 'SHA-256', usual: length >= 16 && length <= 64 },
  ] satisfies LengthCase[];
});

describe('secrets of any non-empty length sign', () => {
  const expected = pythonHmacs(cases.map((c) => ({ algorithm: c.algorithm, keyHex: c.bytes.toString('hex'), message: c.message })));
  for (const [index, c] of cases.entries()) {
    it(`${c.credential.scheme}, ${c.bytes.length}-byte key`, async () => {
      const signed = `${c.message}&signature=${expected[index]}`;
      assert.equal(signUrl(c.url, c.credential), signed);
      assert.equal(await web.signUrl(c.url, c.credential), signed);
      const warnings = explainUrl(signed, parseCredential(c.credential)).warnings.filter((w) => w.code === 'SECRET_LENGTH');
      assert.equal(warnings.length, c.usual ? 0 : 1);
      if (!c.usual) assert.match(warnings[0]!.message, new RegExp(`^The .+ decodes to ${c.bytes.length} bytes, not the usual (?:20 bytes|16 to 64 bytes); it signs, but check it was copied whole\\.$`));
    });
  }
});
