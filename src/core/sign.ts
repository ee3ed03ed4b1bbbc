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
 * - `expiresAt` adds `expires=UNIX_SECONDS` (rounded down) after the identity and channel, inside
 *   the signed part (`./expiry.ts`); a URL that already has `expires=` is then
 *   `EXPIRES_ALREADY_SET`, and without the option its own `expires=` must be one value verifiers
 *   can read (`INVALID_EXPIRES`, `DUPLICATE_PARAMETER`);
 * - the identity (`client=` or `key=`) chosen by the credential or the URL (`identity-choice.ts`),
 *   never empty or undecodable, and `channel=` in the form Google takes for it;
 * - a signed URL over `maxLength` (2048 by default): `URL_TOO_LONG`.
 */
import type { Credential, IdentityParam } from './credential.js';
import { encodeLiteral, encodeUnsendable, firstUnsendable, hasDotSegment, isSendableAsIs } from './encoding/percent.js';
import { MapsignError } from './errors.js';
import { EXPIRES_PARAM, expiresValue, findExpires, parseExpires } from './expiry.js';
import { chooseIdentity } from './identity-choice.js';
import type { HmacRequest } from './hmac.js';
import { MAX_URL_LENGTH } from './limits.js';
import { getScheme } from './schemes/index.js';
import type { Scheme } from './schemes/scheme.js';
import { appendSignature, signedUrlLength } from './signature.js';
import { decodeQueryComponent, findParams, hasParam, indexOfParam, paramAt } from './query-params.js';
import { joinUrl, splitUrl } from './url-parts.js';

/**
 * Options for signing.
 *
 * @example signUrl(url, { scheme: 'google', key: 'AIzaSyTEST', secret }, { channel: '7', unsendable: 'reject' })
 */
export interface SignOptions {
  /**
   * Adds `channel=` (Google's usage-reporting channel) unless the URL already has it: a name
   * with a client ID, a number from 0 to 999 with an API key.
   */
  readonly channel?: string | undefined;
  /** What to do with characters that must be percent-encoded: encode them (default) or throw. */
  readonly unsendable?: 'encode' | 'reject' | undefined;
  /** Longest signed URL allowed; default 2048, the limit of Google and Streetmaps web services. */
  readonly maxLength?: number | undefined;
  /**
   * Adds `expires=` so that mapsign verifiers refuse the URL from this time on (`EXPIRED`), in
   * whole seconds rounded down. For your own services behind mapsign: Google's APIs ignore it.
   */
  readonly expiresAt?: Date | undefined;
}

/**
 * Everything needed to finish a signature once the HMAC is known.
 *
 * @example const plan = planSignature(url, credential); finishSignature(plan, nodeHmac(plan.algorithm, plan.secret, plan.message))
 */
export interface SignPlan extends HmacRequest {
  /** The URL to emit, without the signature. */
  readonly unsigned: string;
}

/** Appends `pair` to a raw query, adding `&` only where the query needs one. */
function appendParam(query: string | undefined, pair: string): string {
  if (query === undefined || query === '') return pair;
  return query.endsWith('&') ? query + pair : `${query}&${pair}`;
}

/**
 * Google's channel rules per identity: with a client ID a channel is a name (ASCII letters,
 * digits, `.`, `_`, `-`); with an API key it is a number from 0 to 999.
 */
function channelProblem(channel: string, numeric: boolean): string | undefined {
  if (numeric) return /^(?:0|[1-9][0-9]{0,2})$/.test(channel) ? undefined : 'with an API key (key=) a channel is a number from 0 to 999';
  return /^[A-Za-z0-9._-]{1,64}$/.test(channel) ? undefined : 'a channel is 1 to 64 ASCII letters, digits, periods, underscores or hyphens';
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
function withIdentity(scheme: Scheme, credential: Credential, query: string | undefined): { query: string; param: IdentityParam } {
  const param = chooseIdentity(scheme, credential, query);
  const at = query === undefined ? -1 : indexOfParam(query, param);
  // chooseIdentity refuses a URL without the parameter when the credential names no id.
  if (at < 0) return { query: appendParam(query, `${param}=${encodeLiteral(credential.id!, 'percent')}`), param };
  if (indexOfParam(query!, param, at + 1) >= 0) {
    throw new MapsignError('DUPLICATE_PARAMETER', `The URL has ${findParams(query!, param).length} ${param}= parameters; keep exactly one.`);
  }
  const existing = paramAt(query!, param, at);
  const value = decodeQueryComponent(existing.value);
  if (credential.id === undefined) {
    if (value === undefined || value === '') {
      const what = value === undefined ? 'is not percent-encoded UTF-8' : 'is empty';
      throw new MapsignError('MISSING_CREDENTIAL_ID', `The URL's ${param}= ${what}, so no server can tell whose signature it is; put the ${param === 'client' ? 'client ID' : 'key'} there, or pass it with the credential (${param}, --${param}).`);
    }
    return { query: query!, param };
  }
  if (existing.value === credential.id || value === credential.id) return { query: query!, param };
  if (scheme.onOtherIdentity === 'replace') {
    return { query: `${query!.slice(0, existing.start)}${param}=${encodeLiteral(credential.id, 'percent')}${query!.slice(existing.end)}`, param };
  }
  throw new MapsignError('CREDENTIAL_MISMATCH', `The URL's ${param}= differs from the credential's ${param}; the signature would be refused. Sign with the matching credential or fix the URL.`);
}

function withChannel(query: string, channel: string | undefined, numeric: boolean): string {
  const at = indexOfParam(query, 'channel');
  if (at < 0 && channel === undefined) return query;
  if (at >= 0 && indexOfParam(query, 'channel', at + 1) >= 0) {
    throw new MapsignError('DUPLICATE_PARAMETER', `The URL has ${findParams(query, 'channel').length} channel= parameters; keep exactly one.`);
  }
  const existing = at < 0 ? undefined : paramAt(query, 'channel', at);
  if (channel !== undefined) {
    const problem = channelProblem(channel, numeric);
    if (problem !== undefined) throw new MapsignError('INVALID_ARGUMENT', `The channel option is not a valid channel: ${problem}.`);
    if (existing === undefined) return appendParam(query, `channel=${channel}`);
    if (existing.value !== channel) throw new MapsignError('INVALID_ARGUMENT', 'The URL already has a different channel= parameter; remove it or drop the channel option.');
  }
  if (existing !== undefined && numeric) {
    const value = decodeQueryComponent(existing.value) ?? '';
    const problem = channelProblem(value, true);
    if (problem !== undefined) throw new MapsignError('INVALID_ARGUMENT', `The URL's channel= is ${JSON.stringify(value.slice(0, 20))}, but ${problem}: use a number, or sign with the client ID (client, --client) for a named channel.`);
  }
  return query;
}

/** Adds `expires=` for `expiresAt`, or checks the URL's own `expires=` reads as verifiers read it. */
function withExpiry(query: string, expiresAt: Date | undefined): string {
  const found = findExpires(query);
  if (expiresAt !== undefined) {
    if (found !== undefined) {
      throw new MapsignError('EXPIRES_ALREADY_SET', 'The URL already has an expires= parameter; remove it to sign with an expiry (expiresAt, --expires), or sign without one to keep it.');
    }
    return appendParam(query, `${EXPIRES_PARAM}=${expiresValue(expiresAt)}`);
  }
  if (found === undefined) return query;
  if (found.repeated) throw new MapsignError('DUPLICATE_PARAMETER', 'The URL has expires= more than once; keep exactly one.');
  if (parseExpires(found.raw) === undefined) {
    throw new MapsignError('INVALID_EXPIRES', `The URL's expires= is ${JSON.stringify(found.raw.slice(0, 24))}, but mapsign verifiers read expires= as whole seconds since 1970 (digits only); remove it and sign with an expiry (expiresAt, --expires).`);
  }
  return query;
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
  const identity = withIdentity(scheme, credential, query);
  query = withExpiry(withChannel(identity.query, options.channel, scheme.name === 'google' && identity.param === 'key'), options.expiresAt);
  // Nothing added or re-encoded: the input is already the URL to emit (common in build scripts
  // that add client= themselves), and its tail is the string to sign — no copies.
  const unchanged = parts.verbatim && path === parts.path && query === parts.query;
  const unsigned = unchanged ? url : joinUrl({ origin: parts.origin, path, query });
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  const finalLength = signedUrlLength(unsigned.length, scheme.algorithm);
  if (finalLength > maxLength) {
    throw new MapsignError('URL_TOO_LONG', `The signed URL would be ${finalLength} characters, over the limit of ${maxLength}; shorten the query (fewer or shorter parameters, an encoded polyline).`);
  }
  const message = scheme.signs === 'full-url' ? unsigned : unchanged ? url.slice(parts.origin.length) : `${path}?${query}`;
  return { algorithm: scheme.algorithm, secret: credential.secret, message, unsigned };
}

/**
 * Appends `signature=` (URL-safe base64 with padding) as the last parameter.
 *
 * @example finishSignature(plan, nodeHmac(plan.algorithm, plan.secret, plan.message))
 */
export function finishSignature(plan: SignPlan, unpaddedSignature: string): string {
  return appendSignature(plan.unsigned, unpaddedSignature);
}
