/**
 * `mapsign/web` for browsers and edge runtimes: the same API as `mapsign`, asynchronous, over
 * WebCrypto, a verifier of incoming `Request`s for workers and other `fetch` runtimes, and the
 * policy-bound signing service (`createSigningService`, the same as `mapsign/signer`'s).
 *
 * @example
 * import { signUrl } from 'mapsign/web'
 * const url = await signUrl('https://api.maptiler.com/maps/streets/style.json', { scheme: 'maptiler', token })
 */
export * from './core/index.js';
export { createFetchVerifier, createSigner, explainUrl, signUrl, verifyUrl } from './api/web.js';
export { CREDENTIAL_HEADER } from './http/auth-params.js';
export type { FetchAccepted, FetchRefused, FetchVerdict } from './http/fetch-verifier.js';
export type { Refusal, RefusalReason } from './http/refusal.js';
export type { VerifierOptions } from './http/request-check.js';
export type { RuleReason } from './http/request-rules.js';
export { createSigningService, parsePolicy, SignerError, SignTally, type SignCountHook, type SignEvent, type SigningService, type SigningServiceOptions, type SignPolicy, type SignRefusalReason } from './signer/index.js';
