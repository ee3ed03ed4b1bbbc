/**
 * The one error type mapsign throws for bad input.
 *
 * Every failure a caller can cause carries a stable string `code` (safe to branch on, never
 * renamed) and a message that says what to do. Messages never contain a secret: callers pass
 * secrets in, errors only describe their shape (length, alphabet).
 */

/**
 * Stable codes for every error mapsign throws.
 *
 * @example if (isMapsignError(error) && error.code === 'URL_TOO_LONG') shortenQuery()
 */
export type MapsignErrorCode =
  | 'INVALID_URL'
  | 'FRAGMENT_NOT_ALLOWED'
  | 'UNENCODED_CHARACTER'
  | 'DOT_SEGMENT'
  | 'ALREADY_SIGNED'
  | 'EXPIRES_ALREADY_SET'
  | 'INVALID_EXPIRES'
  | 'CLIENT_AND_KEY'
  | 'IDENTITY_MISMATCH'
  | 'MISSING_CREDENTIAL_ID'
  | 'CREDENTIAL_MISMATCH'
  | 'DUPLICATE_PARAMETER'
  | 'URL_TOO_LONG'
  | 'INVALID_SECRET'
  | 'INVALID_TOKEN'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_SCHEME'
  | 'CRYPTO_UNAVAILABLE';

/**
 * The shape every mapsign error shares: a stable string `code` beside the message. Each area
 * (core, store) has its own subclass and code union.
 *
 * @example class StoreError extends CodedError<StoreErrorCode> {}
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * An error caused by input mapsign cannot sign, verify or parse.
 *
 * @example
 * try { signUrl(url, credential) } catch (e) {
 *   if (e instanceof MapsignError && e.code === 'URL_TOO_LONG') shortenQuery()
 * }
 */
export class MapsignError extends CodedError<MapsignErrorCode> {
  override readonly name = 'MapsignError';
}

/**
 * True when `value` is a {@link MapsignError}, optionally with the given code.
 *
 * @example if (isMapsignError(error, 'INVALID_SECRET')) askForTheSecretAgain()
 */
export function isMapsignError(value: unknown, code?: MapsignErrorCode): value is MapsignError {
  return value instanceof MapsignError && (code === undefined || value.code === code);
}
