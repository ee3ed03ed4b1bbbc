/**
 * `mapsign/web` for browsers and edge runtimes: the same API as `mapsign`, asynchronous, over
 * WebCrypto, and a verifier of incoming `Request`s for workers and other `fetch` runtimes.
 *
 * @example
 * import { signUrl } from 'mapsign/web'
 * const url = await signUrl('https://api.maptiler.com/maps/streets/style.json', { scheme: 'maptiler', token })
 */
import { verifyUrl } from './api/web.js';
import { createFetchVerifierOver, type FetchVerdict } from './http/fetch-verifier.js';
import type { VerifierOptions } from './http/request-check.js';

export * from './core/index.js';
export { createSigner, explainUrl, signUrl, verifyUrl } from './api/web.js';
export { CREDENTIAL_HEADER } from './http/auth-params.js';
export type { FetchAccepted, FetchRefused, FetchVerdict } from './http/fetch-verifier.js';
export type { Refusal, RefusalReason } from './http/refusal.js';
export type { VerifierOptions } from './http/request-check.js';
export type { RuleReason } from './http/request-rules.js';

/**
 * A verifier of incoming `Request`s for workers and other `fetch` runtimes: the gateway's shape
 * rules (GET and HEAD only by default, no fragment, valid `Host`) and refusals, over WebCrypto.
 *
 * @example
 * const verify = createFetchVerifier({ credentials: lookup })
 * const verdict = await verify(request)
 * if (!verdict.ok) return verdict.response
 * return fetch(verdict.upstreamUrl(env.UPSTREAM), { method: request.method, headers })
 */
export function createFetchVerifier(options: VerifierOptions): (request: Request) => Promise<FetchVerdict> {
  return createFetchVerifierOver(options, verifyUrl);
}
