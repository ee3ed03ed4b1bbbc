/**
 * Verification of a signed URL as a server receives it, returning a stable reason code.
 *
 * Like signing, it is a pure preparation (parse, find the credential, work out the signed
 * string) followed by HMACs the runtime computes, then a constant-time comparison against each
 * valid secret (several during a rotation overlap). Exactly the last `signature` parameter is
 * removed — never every occurrence — so a second `signature=` cannot smuggle unsigned bytes.
 */
import { decodeBase64urlIgnorePadding } from './base64.js';
import type { Credential, CredentialLookup, IdentityParam, SchemeName, VerifierCredential } from './credential.js';
import { DIGEST_BYTES, type HmacAlgorithm } from './hmac.js';
import type { Secret } from './secret.js';
import { MAX_URL_LENGTH } from './limits.js';
import { getScheme } from './schemes/index.js';
import { decodeQueryComponent, findParams, splitUrl, type RawUrl } from './url-parts.js';
import { isMapsignError } from './errors.js';

/** Why a URL did not verify. Stable: safe to branch on, log and count. */
export type VerifyReason =
  | 'URL_TOO_LONG'
  | 'MALFORMED_URL'
  | 'MISSING_SIGNATURE'
  | 'SIGNATURE_NOT_LAST'
  | 'CLIENT_AND_KEY'
  | 'MISSING_CREDENTIAL_ID'
  | 'DUPLICATE_PARAMETER'
  | 'MALFORMED_SIGNATURE'
  | 'UNKNOWN_CREDENTIAL'
  | 'REVOKED_CREDENTIAL'
  | 'SIGNATURE_MISMATCH';

/** A one-line explanation per reason, with what to do. */
export const REASON_MESSAGES: Readonly<Record<VerifyReason, string>> = {
  URL_TOO_LONG: 'The URL is longer than the limit (2048 characters by default); shorten the query.',
  MALFORMED_URL: 'The URL cannot be parsed; send an absolute http(s) URL or a /path?query.',
  MISSING_SIGNATURE: 'The URL has no signature= parameter; sign it before sending.',
  SIGNATURE_NOT_LAST: 'signature= must be the last parameter; append it after every other parameter.',
  CLIENT_AND_KEY: 'The URL has both client= and key=; send only the one your credential uses.',
  MISSING_CREDENTIAL_ID: 'The URL names no credential: add client= or key=.',
  DUPLICATE_PARAMETER: 'The URL has client=, key= or channel= more than once; keep exactly one.',
  MALFORMED_SIGNATURE: 'The signature is not URL-safe base64 of the right length; encode the HMAC with - and _ (not + and /).',
  UNKNOWN_CREDENTIAL: 'No credential with this client or key is known here; check the ID and the scheme.',
  REVOKED_CREDENTIAL: 'This credential has been revoked; ask for a new one.',
  SIGNATURE_MISMATCH: 'The signature does not match the URL; sign exactly the bytes you send, with the current secret.',
};

/** A URL that verified. */
export interface VerifySuccess {
  readonly valid: true;
  readonly scheme: SchemeName;
  readonly credentialId: string;
  readonly channel: string | undefined;
  /** 0 for the current secret, higher for a secret still inside its rotation overlap. */
  readonly secretIndex: number;
  /** The exact string the HMAC covers. */
  readonly signedString: string;
}

/** A URL that did not verify. */
export interface VerifyFailure {
  readonly valid: false;
  readonly reason: VerifyReason;
  readonly message: string;
  /** The exact string the HMAC would cover, once known; safe to show (it has no secret). */
  readonly signedString?: string;
  readonly credentialId?: string;
  readonly scheme?: SchemeName;
  readonly channel?: string;
}

/** The outcome of verifying one URL. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/** Where verification finds credentials: one credential, a stored record, or a lookup. */
export type VerifySource = Credential | VerifierCredential | CredentialLookup;

/** Options for verification. */
export interface VerifyOptions {
  /** Longest URL accepted; default 2048. */
  readonly maxLength?: number;
  /** Public origin (`https://tiles.example.com`) for full-URL schemes when `url` is a bare `/path?query`. */
  readonly origin?: string;
}

/** A parsed URL waiting for its HMACs: compare `provided` against each secret's HMAC of `message`. */
export interface VerificationCheck {
  readonly algorithm: HmacAlgorithm;
  readonly secrets: readonly Secret[];
  readonly message: string;
  /** The provided signature, unpadded URL-safe base64. */
  readonly provided: string;
  readonly success: Omit<VerifySuccess, 'secretIndex'>;
}

function fail(reason: VerifyReason, extra: Omit<VerifyFailure, 'valid' | 'reason' | 'message'> = {}, message = REASON_MESSAGES[reason]): VerifyFailure {
  return { valid: false, reason, message, ...extra };
}

/** Finds the credential for `id` in whatever form the caller gave. */
function resolve(source: VerifySource, id: string, param: IdentityParam): VerifierCredential | undefined {
  if (typeof source === 'function') return source(id, param);
  if ('secrets' in source) return source.id === id ? source : undefined;
  if (source.id !== undefined && source.id !== id) return undefined;
  return { scheme: source.scheme, id, secrets: [source.secret] };
}

/** The identity parameter of a query, or the reason there is no usable one. */
function identityOf(query: string): { param: IdentityParam; raw: string } | VerifyReason {
  const clients = findParams(query, 'client');
  const keys = findParams(query, 'key');
  if (clients.length > 0 && keys.length > 0) return 'CLIENT_AND_KEY';
  const found = clients.length > 0 ? clients : keys;
  if (found.length === 0) return 'MISSING_CREDENTIAL_ID';
  if (found.length > 1) return 'DUPLICATE_PARAMETER';
  return { param: clients.length > 0 ? 'client' : 'key', raw: found[0]!.value };
}

/** Strips `=` (or `%3D`) padding; `undefined` when what is left is not strict base64url of `bytes` bytes. */
function normaliseSignature(raw: string, bytes: number): string | undefined {
  const text = raw.replace(/(?:%3D)+$/i, (pad) => '='.repeat(pad.length / 3));
  const decoded = decodeBase64urlIgnorePadding(text);
  if (decoded === undefined || decoded.length !== bytes) return undefined;
  const end = text.indexOf('=');
  return end < 0 ? text : text.slice(0, end);
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
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  if (url.length > maxLength) return fail('URL_TOO_LONG', {}, `The URL is ${url.length} characters, over the limit of ${maxLength}; shorten the query.`);
  const parts = splitOrFail(url);
  if ('valid' in parts) return parts;
  // A fragment never reaches a server, so it is ignored here exactly as a server would.
  const query = parts.query;
  if (query === undefined) return fail('MISSING_SIGNATURE');
  const signatures = findParams(query, 'signature');
  const last = signatures[signatures.length - 1];
  if (last === undefined) return fail('MISSING_SIGNATURE');
  if (last.end !== query.length) return fail('SIGNATURE_NOT_LAST');
  const unsignedQuery = query.slice(0, Math.max(0, last.start - 1));
  const identity = identityOf(unsignedQuery);
  if (typeof identity === 'string') return fail(identity);
  const id = decodeQueryComponent(identity.raw);
  if (id === undefined || id === '') return fail('MISSING_CREDENTIAL_ID');
  const channels = findParams(unsignedQuery, 'channel');
  if (channels.length > 1) return fail('DUPLICATE_PARAMETER');
  const channel = channels[0] === undefined ? undefined : decodeQueryComponent(channels[0].value);
  const credential = resolve(source, id, identity.param);
  const known = { credentialId: id, ...(channel === undefined ? {} : { channel }) };
  if (credential === undefined) return fail('UNKNOWN_CREDENTIAL', known);
  const scheme = getScheme(credential.scheme);
  if (scheme.identityParam !== identity.param) {
    return fail('UNKNOWN_CREDENTIAL', known, `This credential is a ${scheme.title} credential and is sent as ${scheme.identityParam}=, not ${identity.param}=.`);
  }
  const origin = parts.origin === '' ? options.origin ?? '' : parts.origin;
  const pathAndQuery = `${parts.path}?${unsignedQuery}`;
  if (scheme.signs === 'full-url' && origin === '') {
    return fail('MALFORMED_URL', known, `${scheme.title} signs the whole URL: give the absolute URL (or the public origin) to verify it.`);
  }
  const signedString = scheme.signs === 'full-url' ? origin + pathAndQuery : pathAndQuery;
  const context = { ...known, scheme: credential.scheme, signedString };
  if (credential.revoked === true) return fail('REVOKED_CREDENTIAL', context);
  const provided = normaliseSignature(last.value, DIGEST_BYTES[scheme.algorithm]);
  if (provided === undefined) return fail('MALFORMED_SIGNATURE', context);
  return {
    algorithm: scheme.algorithm,
    secrets: credential.secrets,
    message: signedString,
    provided,
    success: { valid: true, scheme: credential.scheme, credentialId: id, channel, signedString },
  };
}

/** The result once the HMACs are compared: `matched` is the index of the matching secret, or -1. */
export function concludeVerification(check: VerificationCheck, matched: number): VerifyResult {
  if (matched < 0) {
    const { credentialId, channel, scheme, signedString } = check.success;
    return fail('SIGNATURE_MISMATCH', { credentialId, scheme, signedString, ...(channel === undefined ? {} : { channel }) });
  }
  return { ...check.success, secretIndex: matched };
}
