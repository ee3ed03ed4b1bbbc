/**
 * Runs the core's HMAC-needing routines on a runtime's HMAC, synchronously or asynchronously,
 * so that the logic exists once and both APIs give identical results.
 */
import { timingSafeEqualText } from './constant-time.js';
import type { HmacAsync, HmacRequest, HmacSync } from './hmac.js';
import type { VerificationCheck } from './verify.js';

/**
 * Runs a generator that yields HMAC requests, answering each with `hmac`.
 *
 * @example runSync(explainSteps(url, credential), nodeHmac)
 */
export function runSync<T>(steps: Generator<HmacRequest, T, string>, hmac: HmacSync): T {
  let next = steps.next();
  while (!next.done) next = steps.next(hmac(next.value.algorithm, next.value.secret, next.value.message));
  return next.value;
}

/**
 * Runs a generator that yields HMAC requests, awaiting `hmac` for each.
 *
 * @example await runAsync(explainSteps(url, credential), webHmac)
 */
export async function runAsync<T>(steps: Generator<HmacRequest, T, string>, hmac: HmacAsync): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await hmac(next.value.algorithm, next.value.secret, next.value.message));
  return next.value;
}

/**
 * Index of the first secret whose HMAC matches, or -1. Every secret is tried, so the time
 * does not reveal which one matched.
 *
 * @example matchSync(check, nodeHmac) // 0 for the current secret, 1 for the previous, -1 for none
 */
export function matchSync(check: VerificationCheck, hmac: HmacSync): number {
  let matched = -1;
  for (let i = 0; i < check.secrets.length; i++) {
    if (timingSafeEqualText(hmac(check.algorithm, check.secrets[i]!, check.message), check.provided) && matched < 0) matched = i;
  }
  return matched;
}

/**
 * {@link matchSync} on an asynchronous HMAC.
 *
 * @example await matchAsync(check, webHmac)
 */
export async function matchAsync(check: VerificationCheck, hmac: HmacAsync): Promise<number> {
  const results = await Promise.all(check.secrets.map((secret) => hmac(check.algorithm, secret, check.message)));
  return results.findIndex((result) => timingSafeEqualText(result, check.provided));
}
