/**
 * The signing API on Node: the core's sign, verify and explain steps run synchronously over
 * `node:crypto`. `mapsign` exports it; the gateway and the CLI call it from here.
 */
import { asCredential, type Credential, type CredentialInput } from '../core/credential.js';
import { matchSync, runSync } from '../core/drive.js';
import { explainSteps, type ExplainOptions, type ExplainReport } from '../core/explain.js';
import { finishSignature, planSignature, type SignOptions } from '../core/sign.js';
import { concludeVerification, prepareVerification, type VerifyOptions, type VerifyResult, type VerifySource } from '../core/verify.js';
import { nodeHmac } from '../crypto/node.js';

/**
 * Signs one URL. Parses the credential on every call: for many URLs use {@link createSigner}.
 *
 * @example signUrl('https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID', { scheme: 'google', secret })
 */
export function signUrl(url: string, credential: Credential | CredentialInput, options?: SignOptions): string {
  const plan = planSignature(url, asCredential(credential), options);
  return finishSignature(plan, nodeHmac(plan.algorithm, plan.secret, plan.message));
}

/**
 * Returns a function that signs URLs with one credential, parsed once.
 *
 * @example const sign = createSigner({ scheme: 'maptiler', token }); sign('https://api.maptiler.com/maps/streets/style.json')
 */
export function createSigner(credential: Credential | CredentialInput, options?: SignOptions): (url: string) => string {
  const parsed = asCredential(credential);
  return (url) => {
    const plan = planSignature(url, parsed, options);
    return finishSignature(plan, nodeHmac(plan.algorithm, plan.secret, plan.message));
  };
}

/**
 * Verifies a signed URL; returns `{ valid: true, … }` or `{ valid: false, reason, message }`.
 *
 * @example verifyUrl(url, { scheme: 'google', id: 'gme-acme', secrets: [current, previous] })
 */
export function verifyUrl(url: string, source: VerifySource, options?: VerifyOptions): VerifyResult {
  const check = prepareVerification(url, source, options);
  return 'valid' in check ? check : concludeVerification(check, matchSync(check, nodeHmac));
}

/**
 * Explains why a URL's signature is or is not valid (see `ExplainReport`).
 *
 * @example explainUrl(url, parseCredential({ scheme: 'google', secret })).likelyCauses
 */
export function explainUrl(url: string, credential?: Credential | CredentialInput, options?: ExplainOptions): ExplainReport {
  return runSync(explainSteps(url, credential === undefined ? undefined : asCredential(credential), options), nodeHmac);
}
