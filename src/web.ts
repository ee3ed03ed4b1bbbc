/**
 * `mapsign/web` for browsers and edge runtimes: the same API as `mapsign`, asynchronous, over
 * WebCrypto. Results are identical to the Node API (tested side by side).
 *
 * @example
 * import { signUrl } from 'mapsign/web'
 * const url = await signUrl('https://api.maptiler.com/maps/streets/style.json', { scheme: 'maptiler', token })
 */
import type { Credential, CredentialInput } from './core/credential.js';
import { asCredential } from './core/credentials.js';
import { matchAsync, runAsync } from './core/drive.js';
import { explainSteps, type ExplainOptions, type ExplainReport } from './core/explain.js';
import { finishSignature, planSignature, type SignOptions } from './core/sign.js';
import { concludeVerification, prepareVerification, type VerifyOptions, type VerifyResult, type VerifySource } from './core/verify.js';
import { webHmac } from './crypto/web.js';
import { createFetchVerifierOver, type FetchVerdict } from './http/fetch-verifier.js';
import type { VerifierOptions } from './http/request-check.js';

export * from './core/index.js';
export { CREDENTIAL_HEADER } from './http/auth-params.js';
export type { FetchAccepted, FetchRefused, FetchVerdict } from './http/fetch-verifier.js';
export type { Refusal, RefusalReason } from './http/refusal.js';
export type { VerifierOptions } from './http/request-check.js';
export type { RuleReason } from './http/request-rules.js';

/** Signs one URL. @example await signUrl(url, { scheme: 'google', client: 'gme-acme', secret }) */
export async function signUrl(url: string, credential: Credential | CredentialInput, options?: SignOptions): Promise<string> {
  const plan = planSignature(url, asCredential(credential), options);
  return finishSignature(plan, await webHmac(plan.algorithm, plan.secret, plan.message));
}

/** Returns an async function that signs URLs with one credential, parsed once. */
export function createSigner(credential: Credential | CredentialInput, options?: SignOptions): (url: string) => Promise<string> {
  const parsed = asCredential(credential);
  return async (url) => {
    const plan = planSignature(url, parsed, options);
    return finishSignature(plan, await webHmac(plan.algorithm, plan.secret, plan.message));
  };
}

/** Verifies a signed URL. @example (await verifyUrl(url, credential)).valid */
export async function verifyUrl(url: string, source: VerifySource, options?: VerifyOptions): Promise<VerifyResult> {
  const check = prepareVerification(url, source, options);
  return 'valid' in check ? check : concludeVerification(check, await matchAsync(check, webHmac));
}

/** Explains why a URL's signature is or is not valid. @example (await explainUrl(url, credential)).likelyCauses */
export async function explainUrl(url: string, credential?: Credential | CredentialInput, options?: ExplainOptions): Promise<ExplainReport> {
  return runAsync(explainSteps(url, credential === undefined ? undefined : asCredential(credential), options), webHmac);
}

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
