/**
 * Turns secret text (as printed in a welcome email or a dashboard) into a {@link Secret}.
 *
 * Errors describe the text's shape — its length, the position of a bad character — and never
 * repeat the text, so they are safe to log.
 */
import { decodeBase64urlIgnorePadding, decodeHex } from './base64.js';
import { MapsignError } from './errors.js';
import { Secret } from './secret.js';

/** Byte-length bounds for a secret. */
export interface SecretBounds {
  readonly label: string;
  readonly minBytes: number;
  readonly maxBytes: number;
}

function describeLength(bounds: SecretBounds): string {
  return bounds.minBytes === bounds.maxBytes ? `${bounds.minBytes} bytes` : `${bounds.minBytes} to ${bounds.maxBytes} bytes`;
}

function checkText(text: unknown, bounds: SecretBounds): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new MapsignError('INVALID_SECRET', `The ${bounds.label} is missing: pass the secret text exactly as your provider issued it.`);
  }
  return text.trim();
}

/**
 * Decodes a URL-safe base64 secret, with or without `=` padding.
 *
 * @example parseBase64urlSecret('vNIXE0xscrmjlyV-12Nj_BvUPaw=', { label: 'Google signing secret', minBytes: 20, maxBytes: 20 })
 */
export function parseBase64urlSecret(text: unknown, bounds: SecretBounds): Secret {
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
  return checkLength(bytes, bounds);
}

/** Decodes a hex secret (either case). */
export function parseHexSecret(text: unknown, bounds: SecretBounds): Secret {
  const trimmed = checkText(text, bounds);
  const bytes = decodeHex(trimmed);
  if (bytes === undefined) {
    throw new MapsignError('INVALID_SECRET', `The ${bounds.label} must be hexadecimal (0-9, a-f) with an even number of digits; it has ${trimmed.length} characters.`);
  }
  return checkLength(bytes, bounds);
}

function checkLength(bytes: Uint8Array, bounds: SecretBounds): Secret {
  if (bytes.length < bounds.minBytes || bytes.length > bounds.maxBytes) {
    throw new MapsignError(
      'INVALID_SECRET',
      `The ${bounds.label} should decode to ${describeLength(bounds)}, but decodes to ${bytes.length}: check it was copied whole.`,
    );
  }
  return new Secret(bytes);
}

/** `count` bytes from the platform CSPRNG (WebCrypto `getRandomValues`). */
export function randomBytes(count: number): Uint8Array {
  const cryptoApi = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (cryptoApi?.getRandomValues === undefined) {
    throw new MapsignError('CRYPTO_UNAVAILABLE', 'No WebCrypto getRandomValues in this runtime; use Node 20+, a modern browser or an edge runtime.');
  }
  return cryptoApi.getRandomValues(new Uint8Array(count));
}
