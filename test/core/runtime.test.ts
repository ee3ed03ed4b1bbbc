/**
 * The WebCrypto side of the seam: rotation on the async API, and a clear error where the
 * runtime has no WebCrypto (an insecure browser context).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateCredential, isMapsignError } from '../../src/index.js';
import * as web from '../../src/web.js';

describe('mapsign/web', () => {
  it('verifies with the previous secret during a rotation overlap', async () => {
    const current = generateCredential('streetmaps');
    const previous = generateCredential('streetmaps');
    const stored = { scheme: 'streetmaps' as const, id: 'k', secrets: [current.credential.secret, previous.credential.secret] };
    const signed = await web.signUrl('/geo', { scheme: 'streetmaps', id: 'k', secret: previous.credential.secret });
    const result = await web.verifyUrl(signed, stored);
    assert.equal(result.valid && result.secretIndex, 1);
    assert.equal((await web.verifyUrl(signed.replace('geo', 'geox'), stored)).valid, false);
  });

  it('says what to do when WebCrypto is missing', async () => {
    const credential = generateCredential('google').credential;
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      await assert.rejects(web.signUrl('/p', credential), (error: unknown) => {
        assert.ok(isMapsignError(error, 'CRYPTO_UNAVAILABLE'));
        assert.match(error.message, /secure context \(https, localhost or 127\.0\.0\.1\)/);
        return true;
      });
      assert.throws(() => generateCredential('google'), { code: 'CRYPTO_UNAVAILABLE', message: /getRandomValues/ });
    } finally {
      Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
