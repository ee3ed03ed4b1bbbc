/**
 * Why a request that verified is still refused: its credential's restrictions (403) or limits
 * (429, with `Retry-After`). Stable codes, safe to branch on, log and count, like the shape
 * rules' and the verifier's.
 */

/** A refusal by a credential's controls. */
export type ControlReason = 'PATH_NOT_ALLOWED' | 'REFERRER_NOT_ALLOWED' | 'IP_NOT_ALLOWED' | 'EXPIRY_REQUIRED' | 'LIFETIME_TOO_LONG' | 'RATE_LIMITED' | 'QUOTA_EXCEEDED';

/** The HTTP status of each: a restriction is 403 Forbidden, a limit 429 Too Many Requests (RFC 6585 §4). */
export const CONTROL_STATUS: Readonly<Record<ControlReason, 403 | 429>> = {
  PATH_NOT_ALLOWED: 403,
  REFERRER_NOT_ALLOWED: 403,
  IP_NOT_ALLOWED: 403,
  EXPIRY_REQUIRED: 403,
  LIFETIME_TOO_LONG: 403,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
};
