/**
 * Verification of a signed URL as a server receives it, returning a stable reason code.
 *
 * Like signing, it is a pure preparation (parse, find the credential, work out the signed
 * string) followed by HMACs the runtime computes, then a constant-time comparison against each
 * valid secret (several during a rotation overlap). Exactly the last `signature` parameter is
 * removed — never every occurrence — so a second `signature=` cannot smuggle unsigned bytes.
 * The reasons and their messages are in `./verify-reasons.ts`.
 *
 * A signed `expires=` is judged only after a secret matched (`./expiry.ts`): an unsigned or
 * altered URL is refused for its signature, and tells a forger nothing about expiry.
 */
import type { Credential, CredentialLookup, IdentityParam, SchemeName, VerifierCredential } from './credential.js';
import type { HmacAlgorithm } from './hmac.js';
import type { Secret } from './secret.js';
import { MAX_URL_LENGTH } from './limits.js';
import { getScheme } from './schemes/index.js';
import { normaliseSignature } from './signature.js';
import { decodeQueryComponent, hasParam, indexOfParam, paramAt } from './query-params.js';
import { splitUrl, type RawUrl } from './url-parts.js';
import { isMapsignError, MapsignError } from './errors.js';
import { DEFAULT_CLOCK_SKEW_MS, findExpires, judgeExpiry } from './expiry.js';
import { REASON_MESSAGES, type VerifyReason } from './verify-reasons.js';


/**
 * A URL that verified.
 *
 * @example const result = verifyUrl(url, credential); if (result.valid) count(result.credentialId, result.channel)
 */
export interface VerifySuccess {
  readonly valid: true;
  readonly scheme: SchemeName;
  readonly credentialId: string;
  readonly channel: string | undefined;
  /** 0 for the current secret, higher for a secret still inside its rotation overlap. */
  readonly secretIndex: number;
  /** The exact string the HMAC covers. */
  readonly signedString: string;
  /** When the URL stops verifying: its signed `expires=` parameter, if it has one. */
  readonly expiresAt?: Date | undefined;
}

/**
 * A URL that did not verify.
 *
 * @example const result = verifyUrl(url, credential); if (!result.valid) log(result.reason, result.signedString)
 */
export interface VerifyFailure {
  readonly valid: false;
  readonly reason: VerifyReason;
  readonly message: string;
  /** The exact string the HMAC would cover, once known; safe to show (it has no secret). */
  readonly signedString?: string | undefined;
  readonly credentialId?: string | undefined;
  readonly scheme?: SchemeName | undefined;
  readonly channel?: string | undefined;
  /** For `EXPIRED`: when the URL stopped verifying. */
  readonly expiresAt?: Date | undefined;
}

/**
 * The outcome of verifying one URL.
 *
 * @example const result: VerifyResult = verifyUrl(url, credential)
 */
export type VerifyResult = VerifySuccess | VerifyFailure;

/**
 * Where verification finds credentials: one credential, a stored record, or a lookup.
 *
 * @example verifyUrl(url, credential); verifyUrl(url, { scheme: 'google', id, secrets }); verifyUrl(url, lookup)
 */
export type VerifySource = Credential | VerifierCredential | CredentialLookup;

/**
 * Options for verification.
 *
 * @example verifyUrl('/tiles/1/2/3.png?key=k&signature=…', lookup, { origin: 'https://tiles.example.com', maxLength: 8192 })
 */
export interface VerifyOptions {
  /** Longest URL accepted; default 2048. */
  readonly maxLength?: number | undefined;
  /** Public origin (`https://tiles.example.com`) for full-URL schemes when `url` is a bare `/path?query`. */
  readonly origin?: string | undefined;
  /**
   * How long after its signed `expires=` a URL is still accepted, for clocks that drift apart;
   * default 30 000 (30 s).
   */
  readonly clockSkewMs?: number | undefined;
  /** The clock, in milliseconds since 1970; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/**
 * A signed `expires=` waiting for the signature to match before it is judged.
 *
 * @example prepareVerification(url, lookup, { clockSkewMs: 5000 }) // a check whose expiry is { raw: '1796126400', repeated: false, clockSkewMs: 5000, now: Date.now }
 */
export interface PendingExpiry {
  readonly raw: string;
  readonly repeated: boolean;
  readonly clockSkewMs: number;
  readonly now: () => number;
}

/**
 * A parsed URL waiting for its HMACs: compare `provided` against each secret's HMAC of `message`.
 *
 * @example const check = prepareVerification(url, lookup); if (!('valid' in check)) concludeVerification(check, matchSync(check, nodeHmac))
 */
export interface VerificationCheck {
  readonly algorithm: HmacAlgorithm;
  readonly secrets: readonly Secret[];
  readonly message: string;
  /** The provided signature, unpadded URL-safe base64. */
  readonly provided: string;
  readonly scheme: SchemeName;
  readonly credentialId: string;
  readonly channel: string | undefined;
  /** The URL's `expires=`, judged once a secret matched; `undefined` when it has none. */
  readonly expiry: PendingExpiry | undefined;
}

function fail(reason: VerifyReason, extra: Omit<VerifyFailure, 'valid' | 'reason' | 'message'> = {}, message = REASON_MESSAGES[reason]): VerifyFailure {
  return { valid: false, reason, message, ...extra };
}

/** Finds the credential for `id` in whatever form the caller gave. */
function resolve(source: VerifySource, id: string, param: IdentityParam): VerifierCredential | undefined {
  if (typeof source === 'function') return source(id, param);
  if ('secrets' in source) return source.id === id ? source : undefined;
  if (source.id !== undefined && source.id !== id) return undefined;
  const sentAs = source.param ?? (source.id === undefined ? param : undefined);
  return { scheme: source.scheme, id, param: sentAs, secrets: [source.secret] };
}

/** The identity parameter of a query, or the reason there is no usable one. */
function identityOf(query: string): { param: IdentityParam; raw: string } | VerifyReason {
  const client = indexOfParam(query, 'client');
  const key = indexOfParam(query, 'key');
  if (client >= 0 && key >= 0) return 'CLIENT_AND_KEY';
  if (client < 0 && key < 0) return 'MISSING_CREDENTIAL_ID';
  const param: IdentityParam = client >= 0 ? 'client' : 'key';
  const at = client >= 0 ? client : key;
  if (indexOfParam(query, param, at + 1) >= 0) return 'DUPLICATE_PARAMETER';
  return { param, raw: paramAt(query, param, at).value };
}

const ON_THE_WIRE = /^[\x21-\x7e]*$/;

/**
 * Why `url` cannot be a request target as a server receives it, or `undefined`. HTTP carries
 * a target as printable ASCII: a raw space, control character or non-ASCII character (a lone
 * surrogate among them, which has no bytes at all) is never on the wire, and hashing its UTF-8
 * would check bytes no server received. Only what is sent counts: the fragment is ignored.
 */
function notOnTheWire(url: string): string | undefined {
  // One scan without allocation for the common case; only a failure looks closer.
  if (ON_THE_WIRE.test(url)) return undefined;
  const hash = url.indexOf('#');
  const sent = hash < 0 ? url : url.slice(0, hash);
  const bad = /[^\x21-\x7e]/.exec(sent);
  if (bad === null) return undefined;
  const code = sent.codePointAt(bad.index)!;
  const what = code === 0x20 ? 'a raw space' : code < 0x20 || code === 0x7f ? 'a control character' : code >= 0xd800 && code <= 0xdfff ? 'a lone UTF-16 surrogate' : 'a non-ASCII character';
  return `${REASON_MESSAGES.MALFORMED_URL} It has ${what} at position ${bad.index + 1}, which no HTTP client sends as is: verify the URL as it was sent, percent-encoded.`;
}

function splitOrFail(url: string): RawUrl | VerifyFailure {
  try {
    return splitUrl(url, true);
  } catch (error) {
    if (isMapsignError(error)) return fail('MALFORMED_URL', {}, `${REASON_MESSAGES.MALFORMED_URL} ${error.message}`);
    throw error;
  }
}

/**
 * Parses a signed URL and finds its credential; returns a failure, or the HMACs to compare.
 *
 * @example
 * const check = prepareVerification(url, credential)
 * if ('valid' in check) return check // failed before any HMAC
 */
export function prepareVerification(url: string, source: VerifySource, options: VerifyOptions = {}): VerifyFailure | VerificationCheck {
  if (typeof url !== 'string') return fail('MALFORMED_URL');
  const clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (!(clockSkewMs >= 0 && clockSkewMs < Infinity)) {
    throw new MapsignError('INVALID_ARGUMENT', `The clockSkewMs option must be a finite number of milliseconds, 0 or more, not ${String(clockSkewMs)}.`);
  }
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  if (url.length > maxLength) return fail('URL_TOO_LONG', {}, `The URL is ${url.length} characters, over the limit of ${maxLength}; shorten the query.`);
  const parts = splitOrFail(url);
  if ('valid' in parts) return parts;
  const offWire = notOnTheWire(url);
  if (offWire !== undefined) return fail('MALFORMED_URL', {}, offWire);
  // A fragment never reaches a server, so it is ignored here exactly as a server would.
  const query = parts.query;
  if (query === undefined) return fail('MISSING_SIGNATURE');
  const lastAmpersand = query.lastIndexOf('&');
  if (indexOfParam(query, 'signature', lastAmpersand + 1) !== lastAmpersand + 1) {
    return fail(hasParam(query, 'signature') ? 'SIGNATURE_NOT_LAST' : 'MISSING_SIGNATURE');
  }
  const unsignedQuery = query.slice(0, Math.max(0, lastAmpersand));
  const identity = identityOf(unsignedQuery);
  if (typeof identity === 'string') return fail(identity);
  const id = decodeQueryComponent(identity.raw);
  if (id === undefined || id === '') return fail('MISSING_CREDENTIAL_ID');
  const channelAt = indexOfParam(unsignedQuery, 'channel');
  if (channelAt >= 0 && indexOfParam(unsignedQuery, 'channel', channelAt + 1) >= 0) return fail('DUPLICATE_PARAMETER');
  const channel = channelAt < 0 ? undefined : decodeQueryComponent(paramAt(unsignedQuery, 'channel', channelAt).value);
  const credential = resolve(source, id, identity.param);
  if (credential === undefined) return fail('UNKNOWN_CREDENTIAL', described(id, channel));
  const scheme = getScheme(credential.scheme);
  // A Google client ID is not an API key of the same text: the identity parameter must match too.
  const sentAs = credential.param ?? scheme.identityParams[0]!;
  if (sentAs !== identity.param) {
    return fail('UNKNOWN_CREDENTIAL', described(id, channel), `This ${scheme.title} credential is sent as ${sentAs}=, but the URL carries ${identity.param}=; send it as ${sentAs}=, or verify with the credential of that ${identity.param === 'client' ? 'client ID' : 'key'}.`);
  }
  const origin = parts.origin === '' ? options.origin ?? '' : parts.origin;
  if (scheme.signs === 'full-url' && origin === '') {
    return fail('MALFORMED_URL', described(id, channel), `${scheme.title} signs the whole URL: give the absolute URL (or the public origin) to verify it.`);
  }
  const signedString = signedPart(url, parts, origin, scheme.signs, unsignedQuery);
  if (credential.revoked === true) return fail('REVOKED_CREDENTIAL', described(id, channel, { scheme: credential.scheme, signedString }));
  const provided = normaliseSignature(query.slice(lastAmpersand + '&signature='.length), scheme.algorithm);
  if (provided === undefined) return fail('MALFORMED_SIGNATURE', described(id, channel, { scheme: credential.scheme, signedString }));
  const expires = findExpires(unsignedQuery);
  const expiry = expires === undefined ? undefined : { raw: expires.raw, repeated: expires.repeated, clockSkewMs, now: options.now ?? Date.now };
  return { algorithm: scheme.algorithm, secrets: credential.secrets, message: signedString, provided, scheme: credential.scheme, credentialId: id, channel, expiry };
}

/**
 * The string the HMAC covers. When the URL already reads exactly that way it is one slice of
 * the input, which `node:crypto` hashes without first copying a concatenation.
 */
function signedPart(url: string, parts: RawUrl, origin: string, signs: 'path-and-query' | 'full-url', unsignedQuery: string): string {
  const full = signs === 'full-url';
  if (parts.verbatim && (!full || parts.origin !== '')) {
    const end = parts.origin.length + parts.path.length + 1 + unsignedQuery.length;
    return url.slice(full ? 0 : parts.origin.length, end);
  }
  return full ? `${origin}${parts.path}?${unsignedQuery}` : `${parts.path}?${unsignedQuery}`;
}

/**
 * What a failure can say about the request once its credential is known; what is not known is
 * left out rather than set to `undefined`, so a failure shows only facts.
 */
function described(credentialId: string, channel: string | undefined, checked?: { scheme: SchemeName; signedString: string }): Omit<VerifyFailure, 'valid' | 'reason' | 'message'> {
  const details = { credentialId, ...checked };
  return channel === undefined ? details : { ...details, channel };
}

/**
 * The result once the HMACs are compared: `matched` is the index of the matching secret, or -1.
 *
 * A matching signature over an `expires=` that has passed (beyond the clock-skew allowance) is
 * `EXPIRED`; one that is not Unix seconds is `MALFORMED_EXPIRES`; two are `DUPLICATE_PARAMETER`.
 *
 * @example concludeVerification(check, matchSync(check, nodeHmac)) // { valid: true, … } or SIGNATURE_MISMATCH
 */
export function concludeVerification(check: VerificationCheck, matched: number): VerifyResult {
  const { credentialId, channel, scheme, message: signedString, expiry: pending } = check;
  if (matched < 0) return fail('SIGNATURE_MISMATCH', described(credentialId, channel, { scheme, signedString }));
  if (pending === undefined) return { valid: true, scheme, credentialId, channel, secretIndex: matched, signedString };
  const expiry = judgeExpiry(pending, pending.now(), pending.clockSkewMs);
  if (expiry.ok) return { valid: true, scheme, credentialId, channel, secretIndex: matched, signedString, expiresAt: expiry.expiresAt };
  const facts = described(credentialId, channel, { scheme, signedString });
  return fail(expiry.reason, expiry.expiresAt === undefined ? facts : { ...facts, expiresAt: expiry.expiresAt }, expiry.message);
}
