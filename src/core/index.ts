/**
 * The runtime-independent public surface, re-exported by both entry points (`mapsign` for
 * Node, `mapsign/web` for browsers and edge runtimes). Everything here is pure: no HMAC.
 * Helpers the other layers share (credential text from a store, secret-length warnings, the
 * scheme check) are imported from their own modules and stay out of the packages' exports.
 */
export { buildUrl, type BuildOptions, type ParamsInput, type ParamValue } from './build.js';
export { generateCredential, parseCredential, type Credential, type CredentialInput, type CredentialLookup, type IdentityParam, type IssuedCredential, type SchemeName, type VerifierCredential } from './credential.js';
export type { SpaceEncoding } from './encoding/percent.js';
export { isMapsignError, MapsignError, type MapsignErrorCode } from './errors.js';
export type { ExplainedExpiry, ExplainedParam, ExplainOptions, ExplainReport } from './explain.js';
export { guessScheme } from './guess.js';
export type { HmacAlgorithm } from './hmac.js';
export { MAX_URL_LENGTH } from './limits.js';
export { CAUSES, type CauseCode, type LikelyCause } from './mistakes.js';
export { getScheme, SCHEME_NAMES } from './schemes/index.js';
export type { CredentialText, Scheme } from './schemes/scheme.js';
export { Secret } from './secret.js';
export type { SecretLengths } from './secret-text.js';
export type { SignOptions } from './sign.js';
export { REASON_MESSAGES, type VerifyReason } from './verify-reasons.js';
export type { VerifyFailure, VerifyOptions, VerifyResult, VerifySource, VerifySuccess } from './verify.js';
export type { UrlWarning, WarningCode } from './warnings.js';
