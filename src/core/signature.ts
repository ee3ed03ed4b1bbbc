/**
 * The `signature=` value: the HMAC digest as URL-safe base64, `=`-padded when mapsign writes it
 * and accepted with or without padding when it verifies. Every length a signature can have is
 * worked out here, from the digest size of the scheme's hash.
 *
 * Google Maps Platform's "Authentication and Authorization" (Digital signatures) and MapTiler's
 * "How to use Credentials to securely sign requests to MapTiler Cloud API" both encode it with
 * Python's `base64.urlsafe_b64encode`, which pads; some
 * clients drop the padding or write it `%3D`, which verification accepts. Anything else — a
 * wrong length, another alphabet, non-zero unused bits — is not a signature, so two different
 * texts never pass for one digest.
 */
import { base64Padding, BASE64URL_ALPHABET } from './encoding/base64url.js';
import type { HmacAlgorithm } from './hmac.js';

/** Digest length in bytes of each hash (FIPS 180-4). */
const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { 'SHA-1': 20, 'SHA-256': 32 };

/** What a signed URL adds to the unsigned one before the signature itself. */
const SIGNATURE_PARAM = '&signature=';

/**
 * Characters in the signature of `algorithm`: 28 or 44 padded, 27 or 43 unpadded.
 *
 * @example signatureLength('SHA-256', 'unpadded') // 43
 */
export function signatureLength(algorithm: HmacAlgorithm, padding: 'padded' | 'unpadded'): number {
  const bytes = DIGEST_BYTES[algorithm];
  return padding === 'padded' ? Math.ceil(bytes / 3) * 4 : Math.ceil((bytes * 4) / 3);
}

/**
 * The length of `unsigned` once `&signature=` and a padded signature are appended.
 *
 * @example signedUrlLength(100, 'SHA-1') // 139
 */
export function signedUrlLength(unsignedLength: number, algorithm: HmacAlgorithm): number {
  return unsignedLength + SIGNATURE_PARAM.length + signatureLength(algorithm, 'padded');
}

/**
 * `unsigned` with `signature=` appended last, padded as the providers print it.
 *
 * @example appendSignature('/geocode/json?address=a&client=c', 'chaRF2hTJKOScPr-RQCEhZbSzIE') // '…&signature=chaRF2hTJKOScPr-RQCEhZbSzIE='
 */
export function appendSignature(unsigned: string, unpaddedSignature: string): string {
  return `${unsigned}${SIGNATURE_PARAM}${padSignature(unpaddedSignature)}`;
}

/**
 * An unpadded signature with its `=` padding.
 *
 * @example padSignature('chaRF2hTJKOScPr-RQCEhZbSzIE') // 'chaRF2hTJKOScPr-RQCEhZbSzIE='
 */
export function padSignature(unpaddedSignature: string): string {
  return unpaddedSignature + base64Padding(unpaddedSignature.length);
}

/**
 * A signature as sent, without trailing `=` or `%3D` padding (no other check).
 *
 * @example unpadSignature('chaRF2hTJKOScPr-RQCEhZbSzIE%3D') // 'chaRF2hTJKOScPr-RQCEhZbSzIE'
 */
export function unpadSignature(signature: string): string {
  return signature.replace(/(?:=|%3D)+$/i, '');
}

const shapes = new Map<number, RegExp>();

/**
 * The exact shape of an unpadded base64url encoding of `bytes` bytes: right length, URL-safe
 * alphabet, and a last character whose unused low bits are zero.
 */
function signatureShape(bytes: number, length: number): RegExp {
  let shape = shapes.get(bytes);
  if (shape === undefined) {
    const unusedBits = length * 6 - bytes * 8;
    const last = [...BASE64URL_ALPHABET].filter((_, value) => value % (1 << unusedBits) === 0).join('').replace('-', '\\-');
    shape = new RegExp(`^[A-Za-z0-9_-]{${length - 1}}[${last}]$`);
    shapes.set(bytes, shape);
  }
  return shape;
}

/**
 * The signature without `=` (or `%3D`) padding, or `undefined` when it is not strict base64url
 * of a digest of `algorithm`.
 *
 * @example normaliseSignature('chaRF2hTJKOScPr-RQCEhZbSzIE%3D', 'SHA-1') // 'chaRF2hTJKOScPr-RQCEhZbSzIE'
 */
export function normaliseSignature(raw: string, algorithm: HmacAlgorithm): string | undefined {
  const length = signatureLength(algorithm, 'unpadded');
  if (raw.length > length) {
    const padding = raw.slice(length);
    const expected = base64Padding(length);
    if (padding !== expected && padding.toUpperCase() !== expected.replace(/=/g, '%3D')) return undefined;
  }
  const text = raw.length > length ? raw.slice(0, length) : raw;
  return signatureShape(DIGEST_BYTES[algorithm], length).test(text) ? text : undefined;
}
