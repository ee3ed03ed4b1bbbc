/**
 * Signing, split into a pure plan (what string to sign, what URL to emit) and a finish step
 * that appends the HMAC. The runtime entry points run the HMAC in between, synchronously
 * (`node:crypto`) or asynchronously (WebCrypto), so both produce identical URLs.
 *
 * Edge cases have one defined behaviour each (README, "What gets signed"):
 * - no query: `?` is added with the identity parameter; an empty path becomes `/`;
 * - a `#fragment` is never sent to a server: `FRAGMENT_NOT_ALLOWED`;
 * - raw spaces, non-ASCII, `'`, `"`, `<>`, `[]`, `{}`, `|`, `\`, `^`, backquote and a `%` not
 *   followed by two hex digits are percent-encoded as UTF-8 (default `unsendable: 'encode'`)
 *   or refused (`'reject'`: `UNENCODED_CHARACTER`); the output carries exactly the signed bytes;
 * - `.`/`..` path segments, which clients resolve away: `DOT_SEGMENT`;
 * - a URL that already has `signature=`: `ALREADY_SIGNED`;
 * - a signed URL over `maxLength` (2048 by default): `URL_TOO_LONG`.
 */
import { base64Padding } from './base64.js';
import type { Credential } from './credential.js';
import { encodeLiteral, encodeUnsendable, firstUnsendable, hasDotSegment, isSendableAsIs } from './encoding.js';
import { MapsignError } from './errors.js';
import { DIGEST_BYTES, type HmacRequest } from './hmac.js';
import { MAX_URL_LENGTH } from './limits.js';
import { getScheme } from './schemes/index.js';
import type { Scheme } from './schemes/scheme.js';
import { decodeQueryComponent, findParams, hasParam, indexOfParam, joinUrl, paramAt, splitUrl } from './url-parts.js';

/** Options for signing. */
export interface SignOptions {
  /** Adds `channel=NAME` (Google reporting channel) unless the URL already has it. */
  readonly channel?: string;
  /** What to do with characters that must be percent-encoded: encode them (default) or throw. */
  readonly unsendable?: 'encode' | 'reject';
  /** Longest signed URL allowed; default 2048, the limit of Google and Streetmaps web services. */
  readonly maxLength?: number;
}

/** Everything needed to finish a signature once the HMAC is known. */
export interface SignPlan extends HmacRequest {
  /** The URL to emit, without the signature. */
  readonly unsigned: string;
}

const OTHER_IDENTITY = { client: 'key', key: 'client' } as const;

/** Appends `pair` to a raw query, adding `&` only where the query needs one. */
function appendParam(query: string | undefined, pair: string): string {
  if (query === undefined || query === '') return pair;
  return query.endsWith('&') ? query + pair : `${query}&${pair}`;
}

function checkChannel(channel: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(channel)) {
    throw new MapsignError('INVALID_ARGUMENT', 'A channel must be 1 to 64 ASCII letters, digits, periods, underscores or hyphens.');
  }
  return channel;
}

function sendable(text: string, where: string, mode: 'encode' | 'reject'): string {
  if (isSendableAsIs(text)) return text;
  if (mode === 'encode') return encodeUnsendable(text);
  const bad = firstUnsendable(text)!;
  throw new MapsignError(
    'UNENCODED_CHARACTER',
    `The ${where} has ${JSON.stringify(bad.char)} at position ${bad.index + 1}, which must be percent-encoded before signing (clients rewrite it); encode it, or sign with unsendable: 'encode'.`,
  );
}

/** Puts the credential's identity parameter into the query, per the scheme's rules. */
function withIdentity(scheme: Scheme, credential: Credential, query: string | undefined): string {
  const param = scheme.identityParam;
  if (query !== undefined && hasParam(query, OTHER_IDENTITY[param])) {
    throw new MapsignError('CLIENT_AND_KEY', `The URL has both client= and key=; servers reject that. Remove ${OTHER_IDENTITY[param]}= to sign with a ${scheme.title} credential.`);
  }
  const at = query === undefined ? -1 : indexOfParam(query, param);
  if (at >= 0 && indexOfParam(query!, param, at + 1) >= 0) {
    throw new MapsignError('DUPLICATE_PARAMETER', `The URL has ${findParams(query!, param).length} ${param}= parameters; keep exactly one.`);
  }
  if (at < 0) {
    if (credential.id === undefined) {
      throw new MapsignError('MISSING_CREDENTIAL_ID', `The URL has no ${param}= parameter and the credential names none: pass the ${param} with the credential.`);
    }
    return appendParam(query, `${param}=${encodeLiteral(credential.id, 'percent')}`);
  }
  const existing = paramAt(query!, param, at);
  if (credential.id === undefined || existing.value === credential.id || decodeQueryComponent(existing.value) === credential.id) return query!;
  if (scheme.onOtherIdentity === 'replace') {
    return `${query!.slice(0, existing.start)}${param}=${encodeLiteral(credential.id, 'percent')}${query!.slice(existing.end)}`;
  }
  throw new MapsignError('CREDENTIAL_MISMATCH', `The URL's ${param}= differs from the credential's ${param}; the signature would be refused. Sign with the matching credential or fix the URL.`);
}

function withChannel(query: string, channel: string | undefined): string {
  if (channel === undefined) return query;
  const present = findParams(query, 'channel');
  if (present.length === 0) return appendParam(query, `channel=${checkChannel(channel)}`);
  if (present.length === 1 && present[0]!.value === channel) return query;
  throw new MapsignError('INVALID_ARGUMENT', 'The URL already has a different channel= parameter; remove it or drop the channel option.');
}

/**
 * Works out what to sign for `url` and what URL to emit, without computing the HMAC.
 *
 * @example
 * const plan = planSignature('https://maps.googleapis.com/maps/api/geocode/json?address=New+York', credential)
 * plan.message // '/maps/api/geocode/json?address=New+York&client=…'
 */
export function planSignature(url: string, credential: Credential, options: SignOptions = {}): SignPlan {
  const scheme = getScheme(credential.scheme);
  const mode = options.unsendable ?? 'encode';
  const parts = splitUrl(url, scheme.signs === 'path-and-query');
  if (parts.fragment !== undefined) {
    throw new MapsignError('FRAGMENT_NOT_ALLOWED', 'The URL has a #fragment, which browsers never send to the server; remove it (and everything after #) before signing.');
  }
  const path = sendable(parts.path, 'path', mode);
  if (hasDotSegment(path)) {
    throw new MapsignError('DOT_SEGMENT', 'The path has a "." or ".." segment, which HTTP clients resolve before sending, so the server would see a different path; sign the resolved path.');
  }
  let query = parts.query === undefined ? undefined : sendable(parts.query, 'query', mode);
  if (query !== undefined && hasParam(query, 'signature')) {
    throw new MapsignError('ALREADY_SIGNED', 'The URL already has a signature= parameter; sign the URL without it.');
  }
  query = withChannel(withIdentity(scheme, credential, query), options.channel);
  // Nothing added or re-encoded: the input is already the URL to emit (common in build scripts
  // that add client= themselves), and its tail is the string to sign — no copies.
  const unchanged = parts.verbatim && path === parts.path && query === parts.query;
  const unsigned = unchanged ? url : joinUrl({ origin: parts.origin, path, query });
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  const signatureLength = Math.ceil(DIGEST_BYTES[scheme.algorithm] / 3) * 4;
  const finalLength = unsigned.length + '&signature='.length + signatureLength;
  if (finalLength > maxLength) {
    throw new MapsignError('URL_TOO_LONG', `The signed URL would be ${finalLength} characters, over the limit of ${maxLength}; shorten the query (fewer or shorter parameters, an encoded polyline).`);
  }
  const message = scheme.signs === 'full-url' ? unsigned : unchanged ? url.slice(parts.origin.length) : `${path}?${query}`;
  return { algorithm: scheme.algorithm, secret: credential.secret, message, unsigned };
}

/** Appends `signature=` (URL-safe base64 with padding) as the last parameter. */
export function finishSignature(plan: SignPlan, unpaddedSignature: string): string {
  return `${plan.unsigned}&signature=${unpaddedSignature}${base64Padding(unpaddedSignature.length)}`;
}
