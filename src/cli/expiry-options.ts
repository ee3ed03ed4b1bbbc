/**
 * `--expires D` (sign) and `--clock-skew D` (verify, explain, serve): expiring signed URLs in
 * the operators' duration syntax (`10m`, `24h`, `30s`), parsed by the store's `parseDuration`
 * so that every duration option reads the same. A bad value is a usage error (status 2).
 */
import { MAX_LIFETIME_MS } from '../core/expiry.js';
import { parseDuration } from '../store/duration.js';
import { asUsageError, UsageError } from './usage-error.js';

/** The longest `--clock-skew` allowance: 1 hour; clocks further apart need fixing, not tolerating. */
const MAX_CLOCK_SKEW_MS = 3_600_000;

/** The `--expires D` option of `sign`. */
export const EXPIRES_OPTIONS = {
  expires: { type: 'string', value: 'D', help: 'add expires= (inside the signed part) so that mapsign verifiers refuse the URL\nD from now, e.g. 10m, 24h, 7d (at most 366d); for your own services behind\nmapsign: Google\'s APIs ignore it' },
} as const;

/** The `--clock-skew D` option of `verify` and `explain`. */
export const CLOCK_SKEW_OPTIONS = {
  'clock-skew': { type: 'string', value: 'D', help: 'accept a URL this long after its expires= time, for clocks that drift apart\n(default 30s, at most 1h)' },
} as const;

/**
 * The lifetime `--expires D` gives a signed URL, in milliseconds; `undefined` when absent. Read
 * before the secret is asked for, so that a bad value fails first; the time is added after.
 *
 * @example const lifetime = lifetimeOption(values.expires); … createSigner(credential, { expiresAt: new Date(Date.now() + lifetime) })
 */
export function lifetimeOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = asUsageError(() => parseDuration(value, '--expires', { max: MAX_LIFETIME_MS }));
  if (ms === 0) throw new UsageError('--expires 0 would sign URLs that have already expired; give a lifetime such as 10m or 24h.');
  return ms;
}

/**
 * The `clockSkewMs` verify option for `--clock-skew D`; `undefined` (the default, 30 s) when absent.
 *
 * @example verifyUrl(url, credential, { clockSkewMs: clockSkewOption(values['clock-skew']) })
 */
export function clockSkewOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : asUsageError(() => parseDuration(value, '--clock-skew', { max: MAX_CLOCK_SKEW_MS }));
}
