/**
 * The signing API on browsers and edge runtimes: the core's sign, verify and explain steps run
 * asynchronously over WebCrypto, with results identical to `../api/node.ts` (tested side by
 * side), and the verifier of incoming `Request`s for workers and other `fetch` runtimes.
 * `mapsign/web` exports it; the debugger page calls it from here.
 */
import { asCredential, type Credential, type CredentialInput } from '../core/credential.js';
import { matchAsync, runAsync } from '../core/drive.js';
import { explainSteps, type ExplainOptions, type ExplainReport } from '../core/explain.js';
import { finishSignature, planSignature, type SignOptions } from '../core/sign.js';
import { concludeVerification, prepareVerification, type VerifyOptions, type VerifyResult, type VerifySource } from '../core/verify.js';
import { webHmac } from '../crypto/web.js';
import { createFetchVerifierOver, type FetchVerdict } from '../http/fetch-verifier.js';
import type { VerifierOptions } from '../http/request-check.js';

/**
 * Signs one URL. Parses the credential on every call: for many URLs use {@link createSigner}.
 *
 * @example await signUrl('https://maps.googleapis.com/maps/api/geocode/json?address=New+York', { scheme: 'google', client: 'gme-acme', secret })
 */
export async function signUrl(url: string, credential: Credential | CredentialInput, options?: SignOptions): Promise<string> {
  const plan = planSignature(url, asCredential(credential), options);
  return finishSignature(plan, await webHmac(plan.algorithm, plan.secret, plan.message));
}

/**
 * Returns an async function that signs URLs with one credential, parsed once.
 *
 * @example const sign = createSigner({ scheme: 'maptiler', token }); await sign('https://api.maptiler.com/maps/streets/style.json')
 */
export function createSigner(credential: Credential | CredentialInput, options?: SignOptions): (url: string) => Promise<string> {
  const parsed = asCredential(credential);
  return async (url) => {
    const plan = planSignature(url, parsed, options);
    return finishSignature(plan, await webHmac(plan.algorithm, plan.secret, plan.message));
  };
}

/**
 * Verifies a signed URL; resolves to `{ valid: true, … }` or `{ valid: false, reason, message }`.
 *
 * @example (await verifyUrl(url, { scheme: 'google', id: 'gme-acme', secrets: [current, previous] })).valid
 */
export async function verifyUrl(url: string, source: VerifySource, options?: VerifyOptions): Promise<VerifyResult> {
  const check = prepareVerification(url, source, options);
  return 'valid' in check ? check : concludeVerification(check, await matchAsync(check, webHmac));
}

/**
 * Explains why a URL's signature is or is not valid (see `ExplainReport`).
 *
 * @example (await explainUrl(url, { scheme: 'google', secret })).likelyCauses
 */
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
 * return fetch(verdict.upstreamUrl(env.UPSTREAM), { method: request.method, headers: verdict.upstreamHeaders() })
 */
export function createFetchVerifier(options: VerifierOptions): (request: Request) => Promise<FetchVerdict> {
  return createFetchVerifierOver(options, verifyUrl);
}
