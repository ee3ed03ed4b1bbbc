/**
 * Turns secret text (as printed in a welcome email or a dashboard) into a {@link Secret}.
 *
 * Errors describe the text's shape — its length, the position of a bad character — and never
 * repeat the text, so they are safe to log.
 */
import { decodeBase64urlIgnorePadding } from './encoding/base64url.js';
import { decodeHex } from './encoding/hex.js';
import { MapsignError } from './errors.js';
import { Secret } from './secret.js';

/**
 * The decoded lengths a provider issues. Only a guide: any non-empty byte string is a valid
 * HMAC key (RFC 2104 hashes longer keys and pads shorter ones), and reference signers accept
 * every length, so another length is a warning ({@link unusualSecretLength}), never a refusal.
 *
 * @example getScheme('google').usualSecretBytes // { label: 'Google signing secret', minBytes: 20, maxBytes: 20 }
 */
export interface SecretLengths {
  readonly label: string;
  readonly minBytes: number;
  readonly maxBytes: number;
}

function describeLength(bounds: SecretLengths): string {
  return bounds.minBytes === bounds.maxBytes ? `${bounds.minBytes} bytes` : `${bounds.minBytes} to ${bounds.maxBytes} bytes`;
}

/**
 * A warning when `secret` is not of a length the provider issues, else `undefined`. The message
 * gives lengths only, never the secret.
 *
 * @example unusualSecretLength(secret, { label: 'Google signing secret', minBytes: 20, maxBytes: 20 })
 * // 'The Google signing secret decodes to 16 bytes, not the usual 20 bytes; it signs, but …'
 */
export function unusualSecretLength(secret: Secret, bounds: SecretLengths): string | undefined {
  if (secret.length >= bounds.minBytes && secret.length <= bounds.maxBytes) return undefined;
  return `The ${bounds.label} decodes to ${secret.length} bytes, not the usual ${describeLength(bounds)}; it signs, but check it was copied whole.`;
}

function checkText(text: unknown, bounds: SecretLengths): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new MapsignError('INVALID_SECRET', `The ${bounds.label} is missing: pass the secret text exactly as your provider issued it.`);
  }
  return text.trim();
}

/**
 * Decodes a URL-safe base64 secret, with or without `=` padding, of any non-empty length.
 *
 * @example parseBase64urlSecret('vNIXE0xscrmjlyV-12Nj_BvUPaw=', { label: 'Google signing secret', minBytes: 20, maxBytes: 20 })
 */
export function parseBase64urlSecret(text: unknown, bounds: SecretLengths): Secret {
  const trimmed = checkText(text, bounds);
  const bad = /[^A-Za-z0-9\-_=]/.exec(trimmed);
  if (bad !== null) {
    const hint = bad[0] === '+' || bad[0] === '/' ? ' It looks like standard base64: replace + with - and / with _.' : '';
    throw new MapsignError(
      'INVALID_SECRET',
      `The ${bounds.label} must be URL-safe base64 (A-Z, a-z, 0-9, - and _); it has another character at position ${bad.index + 1}.${hint}`,
    );
  }
  const bytes = decodeBase64urlIgnorePadding(trimmed);
  if (bytes === undefined) {
    throw new MapsignError('INVALID_SECRET', `The ${bounds.label} is not valid base64 (${trimmed.length} characters, wrong length or padding): check it was copied whole.`);
  }
  // Never empty: empty text is refused above, and no non-empty text decodes to zero bytes.
  return new Secret(bytes);
}

/**
 * Decodes a hex secret (either case) of any non-empty length.
 *
 * @example parseHexSecret('00FF', { label: 'MapTiler token secret', minBytes: 16, maxBytes: 64 }).length // 2
 */
export function parseHexSecret(text: unknown, bounds: SecretLengths): Secret {
  const trimmed = checkText(text, bounds);
  const bytes = decodeHex(trimmed);
  if (bytes === undefined) {
    throw new MapsignError('INVALID_SECRET', `The ${bounds.label} must be hexadecimal (0-9, a-f) with an even number of digits; it has ${trimmed.length} characters.`);
  }
  // Never empty: empty text is refused above, and no non-empty text decodes to zero bytes.
  return new Secret(bytes);
}

/**
 * `count` bytes from the platform CSPRNG (WebCrypto `getRandomValues`).
 *
 * @example encodeHex(randomBytes(12)) // a new MapTiler key
 */
export function randomBytes(count: number): Uint8Array {
  const cryptoApi = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (cryptoApi?.getRandomValues === undefined) {
    throw new MapsignError('CRYPTO_UNAVAILABLE', 'No WebCrypto getRandomValues in this runtime; use Node 20+, a modern browser or an edge runtime.');
  }
  return cryptoApi.getRandomValues(new Uint8Array(count));
}
