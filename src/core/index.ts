/**
 * The runtime-independent public surface, re-exported by both entry points (`mapsign` for
 * Node, `mapsign/web` for browsers and edge runtimes). Everything here is pure: no HMAC.
 */
export { buildUrl, type BuildOptions, type ParamsInput, type ParamValue } from './build.js';
export type { Credential, CredentialInput, CredentialLookup, IdentityParam, SchemeName, VerifierCredential } from './credential.js';
export { asCredential, generateCredential, IssuedCredential, parseCredential } from './credentials.js';
export { encodeLiteral, type SpaceEncoding } from './encoding.js';
export { isMapsignError, MapsignError, type MapsignErrorCode } from './errors.js';
export type { ExplainedParam, ExplainOptions, ExplainReport } from './explain.js';
export { guessScheme } from './guess.js';
export type { HmacAlgorithm } from './hmac.js';
export { MAX_URL_LENGTH } from './limits.js';
export { CAUSES, type CauseCode, type LikelyCause } from './mistakes.js';
export { getScheme, SCHEME_NAMES, SCHEMES } from './schemes/index.js';
export type { CredentialText, Scheme } from './schemes/scheme.js';
export { Secret } from './secret.js';
export { unusualSecretLength, type SecretLengths } from './secret-text.js';
export type { SignOptions } from './sign.js';
export { REASON_MESSAGES, type VerifyFailure, type VerifyOptions, type VerifyReason, type VerifyResult, type VerifySource, type VerifySuccess } from './verify.js';
export type { UrlWarning, WarningCode } from './warnings.js';
