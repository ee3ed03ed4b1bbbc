/**
 * URL-safe base64 (RFC 4648 section 5), the encoding of signatures and of Google and Streetmaps
 * secrets.
 *
 * Names say the padding policy (after oslo-project/encoding): Google and MapTiler both emit
 * URL-safe base64 *with* `=` padding, and verifiers must also accept a signature whose padding
 * a client dropped. Decoding is strict — a character outside the alphabet or non-zero leftover
 * bits give `undefined` — so two different strings never decode to the same signature.
 */

/**
 * The 64 characters of URL-safe base64, in value order.
 *
 * @example BASE64URL_ALPHABET[62] // '-'
 */
export const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const URL_LOOKUP = buildLookup(BASE64URL_ALPHABET);

function buildLookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

function encode(bytes: Uint8Array, pad: boolean): string {
  const alphabet = BASE64URL_ALPHABET;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * URL-safe base64 with `=` padding, as Google and MapTiler print signatures and keys.
 *
 * @example encodeBase64url(new Uint8Array([0xfb, 0xff])) // '-_8='
 */
export function encodeBase64url(bytes: Uint8Array): string {
  return encode(bytes, true);
}

/**
 * URL-safe base64 without padding, as WebCrypto results are compared.
 *
 * @example encodeBase64urlNoPadding(new Uint8Array([0xfb, 0xff])) // '-_8'
 */
export function encodeBase64urlNoPadding(bytes: Uint8Array): string {
  return encode(bytes, false);
}

/**
 * The `=` characters that complete a base64 text of `length` unpadded characters.
 *
 * @example base64Padding(27) // '='
 */
export function base64Padding(length: number): string {
  const rest = length % 4;
  return rest === 2 ? '==' : rest === 3 ? '=' : '';
}

/**
 * Decodes URL-safe base64, with or without correct `=` padding.
 * Returns `undefined` for any character outside the URL-safe alphabet, a wrong amount of
 * padding, an impossible length, or non-zero leftover bits.
 *
 * @example decodeBase64urlIgnorePadding('vNIXE0xscrmjlyV-12Nj_BvUPaw=') // 20 bytes
 */
export function decodeBase64urlIgnorePadding(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padding = text.length - end;
  if (padding > 0 && (padding > 2 || (end + padding) % 4 !== 0)) return undefined;
  if (end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? URL_LOOKUP[code]! : -1;
    if (value < 0) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
