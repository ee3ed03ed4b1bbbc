/**
 * The common ways a signer gets a signature wrong, each as a variant of the signed string (or
 * key, or algorithm) that can be re-signed. When a variant's HMAC equals the signature the
 * user sent, that mistake is *confirmed*: explain reports it with the fix.
 */
import { encodeBase64url, encodeBase64urlNoPadding } from './encoding/base64url.js';
import { encodeHex } from './encoding/hex.js';
import type { IdentityParam } from './credential.js';
import type { HmacAlgorithm, HmacRequest } from './hmac.js';
import { revealSecretBytes, Secret } from './secret.js';
import type { Scheme } from './schemes/scheme.js';
import { findParams } from './query-params.js';

/**
 * Stable codes of the mistakes explain recognises.
 *
 * @example report.likelyCauses.some((c) => c.code === 'STANDARD_BASE64')
 */
export type CauseCode =
  | 'PLUS_VS_PERCENT20'
  | 'TILDE_VS_PERCENT7E'
  | 'PERCENT_HEX_CASE'
  | 'DECODED_PATH'
  | 'DECODED_QUERY'
  | 'SIGNED_BEFORE_IDENTITY'
  | 'SIGNED_BEFORE_CHANNEL'
  | 'SIGNED_BEFORE_EXPIRES'
  | 'STANDARD_BASE64'
  | 'SIGNATURE_NOT_LAST'
  | 'HTTP_VS_HTTPS'
  | 'WRONG_SCHEME'
  | 'SECRET_NOT_DECODED'
  | 'UNEXPLAINED';

/**
 * A likely cause of a mismatch, in plain words with the fix.
 *
 * @example for (const { title, fix, confirmed } of report.likelyCauses) console.log(confirmed ? 'confirmed' : 'possible', title, fix)
 */
export interface LikelyCause {
  readonly code: CauseCode;
  readonly title: string;
  readonly fix: string;
  /** True when re-signing with this mistake reproduces the provided signature exactly. */
  readonly confirmed: boolean;
  /**
   * For a confirmed mistake in the signed string: the string the client actually signed, to set
   * beside the right one. Absent when the string was right and the key, hash or encoding was not.
   */
  readonly clientSigned?: string | undefined;
}

/**
 * Title and fix for each cause.
 *
 * @example CAUSES.PLUS_VS_PERCENT20.fix // 'Sign the URL exactly as it is sent: …'
 */
export const CAUSES: Readonly<Record<CauseCode, { readonly title: string; readonly fix: string }>> = {
  PLUS_VS_PERCENT20: { title: 'Spaces were signed as + but sent as %20, or the other way round.', fix: 'Sign the URL exactly as it is sent: pick + or %20 for spaces once, before signing.' },
  TILDE_VS_PERCENT7E: { title: '~ was signed as %7E, or %7E as ~.', fix: 'Sign after the final encoding step; do not let an encoder rewrite ~ afterwards.' },
  PERCENT_HEX_CASE: { title: 'Percent-escapes were signed in the other letter case (%2f versus %2F).', fix: 'Sign the URL after its final encoding, with the same hex case it is sent with.' },
  DECODED_PATH: { title: 'The path was signed decoded but sent percent-encoded.', fix: 'Sign the path exactly as sent, with its percent-escapes.' },
  DECODED_QUERY: { title: 'The query was signed before its values were percent-encoded.', fix: 'Encode parameter values first, then sign the encoded URL.' },
  SIGNED_BEFORE_IDENTITY: { title: 'The URL was signed before client= or key= was added.', fix: 'Add client= (or key=) and channel= first; sign last.' },
  SIGNED_BEFORE_CHANNEL: { title: 'The URL was signed before channel= was added.', fix: 'Add channel= before signing.' },
  SIGNED_BEFORE_EXPIRES: { title: 'The URL was signed before expires= was added, so the signature does not cover its expiry.', fix: 'Sign with the expiry option (expiresAt, mapsign sign --expires 10m), which puts expires= inside the signed part.' },
  STANDARD_BASE64: { title: 'The signature is standard base64 (+ and /) instead of URL-safe base64 (- and _).', fix: 'Replace + with - and / with _ in the signature (or use a base64url encoder).' },
  SIGNATURE_NOT_LAST: { title: 'The signature is right, but signature= is not the last parameter.', fix: 'Append signature= after every other parameter.' },
  HTTP_VS_HTTPS: { title: 'The URL was signed with the other protocol (http versus https).', fix: 'This scheme signs the whole URL: sign the URL with the protocol it is sent with.' },
  WRONG_SCHEME: { title: "The signature was made with another provider's method (other hash, or path-only versus whole URL).", fix: 'Choose the scheme of the service you call: Google/Streetmaps sign /path?query with HMAC-SHA1; MapTiler signs the whole URL with HMAC-SHA256.' },
  SECRET_NOT_DECODED: { title: 'The secret text was used as the key without decoding it.', fix: 'Decode the secret first (base64url for Google and Streetmaps, hex for MapTiler) and use the bytes as the HMAC key.' },
  UNEXPLAINED: { title: 'No common mistake reproduces the signature: most likely a different secret, or the URL changed after signing.', fix: 'Check that the secret belongs to this client or key, then compare the signed string in this report with what your code signs.' },
};

/**
 * A cause with its text (and, confirmed, the string the client signed when it was not the right one).
 *
 * @example cause('PLUS_VS_PERCENT20', true, '/maps/api/geocode/json?address=New+York&client=clientID')
 */
export function cause(code: CauseCode, confirmed: boolean, clientSigned?: string): LikelyCause {
  // Absent rather than `undefined` when the string was right: a cause shows only facts.
  return clientSigned === undefined ? { code, ...CAUSES[code], confirmed } : { code, ...CAUSES[code], confirmed, clientSigned };
}

/** The pieces of a URL a signer could have got wrong. */
export interface MistakeContext {
  readonly scheme: Scheme;
  /** The identity parameter the URL carries (`client` or `key`). */
  readonly identityParam: IdentityParam;
  readonly origin: string;
  readonly path: string;
  /** The query without the signature parameter. */
  readonly query: string;
  readonly secret: Secret;
}

/** One re-signing to try. */
export interface MistakeCandidate {
  readonly cause: CauseCode;
  readonly request: HmacRequest;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function withoutParam(query: string, name: string): string {
  const found = findParams(query, name)[0];
  if (found === undefined) return query;
  return (query.slice(0, found.start) + query.slice(found.end + 1)).replace(/&$/, '');
}

const caseOfEscapes = (text: string, upper: boolean): string =>
  text.replace(/%[0-9A-Fa-f]{2}/g, (escape) => (upper ? escape.toUpperCase() : escape.toLowerCase()));

/**
 * Every re-signing worth trying for `context`; variants equal to the correct string are left out.
 *
 * @example mistakeCandidates(context).map((c) => c.cause) // ['PLUS_VS_PERCENT20', 'DECODED_QUERY', …]
 */
export function mistakeCandidates(context: MistakeContext): MistakeCandidate[] {
  const { scheme, identityParam, origin, path, query, secret } = context;
  const other: HmacAlgorithm = scheme.algorithm === 'SHA-1' ? 'SHA-256' : 'SHA-1';
  const compose = (p: string, q: string, o = origin, signs = scheme.signs): string | undefined =>
    signs === 'full-url' ? (o === '' ? undefined : `${o}${p}?${q}`) : `${p}?${q}`;
  const correct = compose(path, query);
  const candidates: MistakeCandidate[] = [];
  const add = (code: CauseCode, message: string | undefined, algorithm = scheme.algorithm, key = secret): void => {
    if (message === undefined) return;
    if (message === correct && algorithm === scheme.algorithm && key === secret) return;
    candidates.push({ cause: code, request: { algorithm, secret: key, message } });
  };
  add('PLUS_VS_PERCENT20', compose(path, query.replace(/\+/g, '%20')));
  add('PLUS_VS_PERCENT20', compose(path, query.replace(/%20/gi, '+')));
  add('TILDE_VS_PERCENT7E', compose(path.replace(/~/g, '%7E'), query.replace(/~/g, '%7E')));
  add('TILDE_VS_PERCENT7E', compose(path.replace(/%7E/gi, '~'), query.replace(/%7E/gi, '~')));
  add('PERCENT_HEX_CASE', compose(caseOfEscapes(path, false), caseOfEscapes(query, false)));
  add('PERCENT_HEX_CASE', compose(caseOfEscapes(path, true), caseOfEscapes(query, true)));
  add('DECODED_PATH', compose(decodeSafely(path), query));
  add('DECODED_QUERY', compose(path, decodeSafely(query)));
  add('DECODED_QUERY', compose(path, decodeSafely(query.replace(/\+/g, ' '))));
  const withoutChannel = withoutParam(query, 'channel');
  add('SIGNED_BEFORE_CHANNEL', compose(path, withoutChannel));
  add('SIGNED_BEFORE_IDENTITY', compose(path, withoutParam(query, identityParam)));
  add('SIGNED_BEFORE_IDENTITY', compose(path, withoutParam(withoutChannel, identityParam)));
  add('SIGNED_BEFORE_EXPIRES', compose(path, withoutParam(query, 'expires')));
  if (scheme.signs === 'full-url' && origin !== '') {
    const swapped = origin.startsWith('https:') ? `http:${origin.slice(6)}` : `https:${origin.slice(5)}`;
    add('HTTP_VS_HTTPS', compose(path, query, swapped));
  }
  const otherSigns = scheme.signs === 'full-url' ? 'path-and-query' : 'full-url';
  add('WRONG_SCHEME', compose(path, query, origin, otherSigns));
  add('WRONG_SCHEME', correct, other);
  add('WRONG_SCHEME', compose(path, query, origin, otherSigns), other);
  const bytes = revealSecretBytes(secret);
  const texts = scheme.secretEncoding === 'hex' ? [encodeHex(bytes), encodeHex(bytes).toUpperCase()] : [encodeBase64url(bytes), encodeBase64urlNoPadding(bytes)];
  for (const text of texts) add('SECRET_NOT_DECODED', correct, scheme.algorithm, new Secret(new TextEncoder().encode(text)));
  return candidates;
}
