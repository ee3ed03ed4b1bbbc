/**
 * The crypto seam on browsers and edge runtimes: asynchronous HMAC through WebCrypto.
 *
 * Each (secret, algorithm) is imported once as a non-extractable `CryptoKey` and cached.
 */
import { encodeBase64urlNoPadding } from '../core/encoding/base64url.js';
import { MapsignError } from '../core/errors.js';
import type { HmacAlgorithm, HmacAsync } from '../core/hmac.js';
import { revealSecretBytes, type Secret } from '../core/secret.js';

const keys = new WeakMap<Secret, Map<HmacAlgorithm, Promise<CryptoKey>>>();
const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const api = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (api === undefined) {
    throw new MapsignError('CRYPTO_UNAVAILABLE', 'WebCrypto is not available: use a secure context (https, localhost or 127.0.0.1) or a runtime with crypto.subtle.');
  }
  return api;
}

function keyFor(secret: Secret, algorithm: HmacAlgorithm): Promise<CryptoKey> {
  let byAlgorithm = keys.get(secret);
  if (byAlgorithm === undefined) {
    byAlgorithm = new Map();
    keys.set(secret, byAlgorithm);
  }
  let key = byAlgorithm.get(algorithm);
  if (key === undefined) {
    key = subtle().importKey('raw', revealSecretBytes(secret), { name: 'HMAC', hash: algorithm }, false, ['sign']);
    byAlgorithm.set(algorithm, key);
  }
  return key;
}

/**
 * HMAC via WebCrypto, as unpadded URL-safe base64.
 *
 * @example await webHmac('SHA-256', secret, 'https://api.maptiler.com/maps/streets/style.json?key=k')
 */
export const webHmac: HmacAsync = async (algorithm, secret, message) => {
  const signature = await subtle().sign('HMAC', await keyFor(secret, algorithm), encoder.encode(message));
  return encodeBase64urlNoPadding(new Uint8Array(signature));
};
