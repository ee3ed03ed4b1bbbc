/**
 * Hexadecimal (RFC 4648 section 8, "base16"), the encoding of MapTiler token secrets.
 *
 * Decoding accepts either case, as people copy secrets by hand, and is strict otherwise: an odd
 * length or any other character gives `undefined` rather than a shorter key.
 */

/**
 * Strict hex decoding, either case; `undefined` for an odd length or a non-hex character.
 *
 * @example decodeHex('00fF') // Uint8Array [0, 255]
 */
export function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Lower-case hex, as MapTiler prints token secrets.
 *
 * @example encodeHex(new Uint8Array([0, 255])) // '00ff'
 */
export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
