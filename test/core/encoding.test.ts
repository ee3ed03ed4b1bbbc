/**
 * Encodings: RFC 4648 vectors, strictness, and round trips against Node's Buffer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase64urlIgnorePadding, encodeBase64url, encodeBase64urlNoPadding } from '../../src/core/encoding/base64url.js';
import { decodeHex, encodeHex } from '../../src/core/encoding/hex.js';

describe('base64', () => {
  // RFC 4648 section 10.
  const rfc: ReadonlyArray<readonly [string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
  for (const [plain, encoded] of rfc) {
    it(`RFC 4648: "${plain}"`, () => {
      const bytes = new TextEncoder().encode(plain);
      assert.equal(encodeBase64url(bytes), encoded);
      assert.deepEqual(decodeBase64urlIgnorePadding(encoded), bytes);
      assert.deepEqual(decodeBase64urlIgnorePadding(encoded.replace(/=+$/, '')), bytes);
    });
  }

  it('rejects wrong alphabet, wrong padding, impossible length and leftover bits', () => {
    for (const bad of ['Zm9v+', 'Zm/v', 'Zg=', 'Zg===', 'Z', 'Zh==', 'Zm9=', 'Zm 9v', '=Zm9']) {
      assert.equal(decodeBase64urlIgnorePadding(bad), undefined, bad);
    }
  });

  it('matches Buffer for any bytes (URL-safe, padded and not)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const reference = Buffer.from(bytes).toString('base64url');
        assert.equal(encodeBase64urlNoPadding(bytes), reference);
        assert.equal(encodeBase64url(bytes), Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
        assert.deepEqual(decodeBase64urlIgnorePadding(reference), bytes);
      }),
    );
  });
});

describe('hex', () => {
  it('round-trips either case and rejects odd or non-hex text', () => {
    assert.deepEqual(decodeHex('00ffAB'), new Uint8Array([0, 255, 171]));
    assert.equal(encodeHex(new Uint8Array([0, 255, 171])), '00ffab');
    assert.equal(decodeHex('abc'), undefined);
    assert.equal(decodeHex('zz'), undefined);
  });
});
