/**
 * Enforces a credential's controls on a request that verified, before it is forwarded: the
 * restrictions first (403: expiry, path, referrer, client network), then the daily quota, then
 * the rate limit (429 with `Retry-After`). The quota is only counted once the rate limit let
 * the request through, and a request over its quota takes no rate-limit token, so neither
 * limit is used up by requests the other refused.
 */
import { formatRateLimit } from '../core/credential-controls.js';
import type { VerifySuccess } from '../core/verify.js';
import { checkRestrictions, type CredentialGuard } from '../http/credential-guard.js';
import type { RequestFacts } from '../http/request-check.js';
import { controlRefusal, type Refusal } from '../http/refusal.js';
import type { DailyQuotas } from './daily-quota.js';

/** Checks one verified request against its credential's guard. */
export type ControlEnforcer = (guard: CredentialGuard, facts: RequestFacts, result: VerifySuccess) => Refusal | undefined;

/** Options for {@link createControlEnforcer}. */
export interface EnforcerOptions {
  /** Where daily quotas are counted; without it, quotas are not enforced. */
  readonly quotas?: DailyQuotas | undefined;
  /** True for a proxy whose `X-Forwarded-For` is believed. */
  readonly trusts: (peer: string | undefined) => boolean;
}

/**
 * Creates the enforcer.
 *
 * @example const enforce = createControlEnforcer({ quotas, trusts: screen.trusts }); const refusal = enforce(guard, facts, verdict.result)
 */
export function createControlEnforcer(options: EnforcerOptions): ControlEnforcer {
  const { quotas, trusts } = options;
  return (guard, facts, result) => {
    const restricted = checkRestrictions(guard, { target: facts.target, header: facts.header, peer: facts.peer, trusts, expiresAt: result.expiresAt, now: Date.now() });
    if (restricted !== undefined) return restricted;
    const { id, bucket, dailyQuota } = guard;
    if (dailyQuota !== undefined && quotas !== undefined && quotas.used(id) >= dailyQuota) return quotaRefusal(id, dailyQuota, quotas.secondsToReset());
    if (bucket !== undefined) {
      const waitMs = bucket.take(performance.now());
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        return controlRefusal('RATE_LIMITED', `Credential ${id} is limited to ${formatRateLimit(bucket.limit)} on this gateway; retry in ${seconds} s.`, id, seconds);
      }
    }
    if (dailyQuota !== undefined && quotas !== undefined) {
      const wait = quotas.admit(id, dailyQuota);
      if (wait > 0) return quotaRefusal(id, dailyQuota, wait);
    }
    return undefined;
  };
}

function quotaRefusal(id: string, quota: number, retryAfter: number): Refusal {
  return controlRefusal('QUOTA_EXCEEDED', `Credential ${id} has used its daily quota of ${quota} requests; it resets at 00:00 UTC.`, id, retryAfter);
}
