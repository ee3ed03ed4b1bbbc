/**
 * Why a URL did not verify: the stable reason codes and a one-line message for each. The
 * gateway answers with them, the CLI prints them and usage counts them, so a code, once
 * published, is never renamed.
 */

/**
 * Why a URL did not verify. Stable: safe to branch on, log and count.
 *
 * @example if (!result.valid && result.reason === 'REVOKED_CREDENTIAL') askForANewCredential()
 */
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
  | 'SIGNATURE_MISMATCH'
  | 'EXPIRED'
  | 'MALFORMED_EXPIRES';

/**
 * A one-line explanation per reason, with what to do.
 *
 * @example REASON_MESSAGES.SIGNATURE_NOT_LAST // 'signature= must be the last parameter; …'
 */
export const REASON_MESSAGES: Readonly<Record<VerifyReason, string>> = {
  URL_TOO_LONG: 'The URL is longer than the limit (2048 characters by default); shorten the query.',
  MALFORMED_URL: 'The URL cannot be parsed; send an absolute http(s) URL or a /path?query.',
  MISSING_SIGNATURE: 'The URL has no signature= parameter; sign it before sending.',
  SIGNATURE_NOT_LAST: 'signature= must be the last parameter; append it after every other parameter.',
  CLIENT_AND_KEY: 'The URL has both client= and key=; send only the one your credential uses.',
  MISSING_CREDENTIAL_ID: 'The URL names no credential: add client= or key=.',
  DUPLICATE_PARAMETER: 'The URL has client=, key=, channel= or expires= more than once; keep exactly one.',
  MALFORMED_SIGNATURE: 'The signature is not URL-safe base64 of the right length; encode the HMAC with - and _ (not + and /).',
  UNKNOWN_CREDENTIAL: 'No credential with this client or key is known here; check the ID and the scheme.',
  REVOKED_CREDENTIAL: 'This credential has been revoked; ask for a new one.',
  SIGNATURE_MISMATCH: 'The signature does not match the URL; sign exactly the bytes you send, with the current secret.',
  EXPIRED: 'The URL was signed to expire (expires=) and that time has passed; ask for a freshly signed URL.',
  MALFORMED_EXPIRES: 'The signed expires= is not a time in whole seconds since 1970 (digits only); sign the URL again with an expiry.',
};
