/**
 * Expiring signed URLs: the `expires=UNIX_SECONDS` parameter, written by signing inside the
 * signed part and judged by verification only once the signature matched, so a forger learns
 * nothing about it. Google's URL signatures never expire (a leaked URL works until the secret is
 * rotated); CDNs and nginx `secure_link` bound a URL's life the same way, with a time in
 * seconds since the Unix epoch covered by the signature. This is for operators' own services
 * behind a mapsign verifier: Google's own APIs ignore the parameter.
 *
 * A URL is accepted while `now < expires + clock skew`: at its `expires` second exactly it has
 * expired, unless the allowance (default 30 s) covers the clocks of signer and verifier drifting
 * apart.
 */
import { MapsignError } from './errors.js';
import { indexOfParam, paramAt } from './query-params.js';

/** The parameter that carries the expiry. */
export const EXPIRES_PARAM = 'expires';

/**
 * The longest span mapsign accepts for a signed URL's lifetime (`--expires`), for a
 * credential's bound on it (`--max-lifetime`, `maxLifetimeSeconds`) and for a rotation overlap:
 * 366 days, a year with its leap day.
 */
export const MAX_LIFETIME_MS = 366 * 86_400_000;

/** How far a verifier's clock may be ahead of the signer's by default: 30 s. */
export const DEFAULT_CLOCK_SKEW_MS = 30_000;

// Digits only, no sign, no leading zero, at most 12 digits (year 33658): every value is a valid Date.
const UNIX_SECONDS = /^(?:0|[1-9][0-9]{0,11})$/;

/**
 * The `expires=` value for `expiresAt`: whole seconds, rounded down so that the URL never lives
 * longer than asked. Throws `INVALID_ARGUMENT` for something that is not a valid Date after 1970.
 *
 * @example expiresValue(new Date('2026-12-01T12:00:00.900Z')) // '1796126400'
 */
export function expiresValue(expiresAt: Date): string {
  const ms = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new MapsignError('INVALID_ARGUMENT', 'The expiresAt option must be a valid Date after 1970-01-01, e.g. new Date(Date.now() + 10 * 60_000).');
  }
  const seconds = String(Math.floor(ms / 1000));
  if (!UNIX_SECONDS.test(seconds)) throw new MapsignError('INVALID_ARGUMENT', 'The expiresAt option is too far in the future; give a Date before the year 33658.');
  return seconds;
}

/**
 * The `expires=` parameter of a raw query, as found: absent, or its raw value and whether it
 * comes more than once. Allocates nothing when there is none (every request asks).
 *
 * @example findExpires('q=1&expires=1796126400') // { raw: '1796126400', repeated: false }
 */
export function findExpires(query: string): { readonly raw: string; readonly repeated: boolean } | undefined {
  const at = indexOfParam(query, EXPIRES_PARAM);
  if (at < 0) return undefined;
  return { raw: paramAt(query, EXPIRES_PARAM, at).value, repeated: indexOfParam(query, EXPIRES_PARAM, at + 1) >= 0 };
}

/**
 * The time a raw `expires=` value names, or `undefined` when it is not Unix seconds written
 * plainly (digits, no sign, no leading zero, no percent-escape).
 *
 * @example parseExpires('1796126400') // 2026-12-01T12:00:00.000Z
 */
export function parseExpires(raw: string): Date | undefined {
  return UNIX_SECONDS.test(raw) ? new Date(Number(raw) * 1000) : undefined;
}

/**
 * `ms` for people: the two largest units, e.g. `4 min 10 s`, `2 h 5 min`, `3 d 4 h`, `400 ms`.
 *
 * @example describeSpan(250_000) // '4 min 10 s'
 */
export function describeSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return abs === 0 ? '0 s' : `${abs} ms`;
  const units: ReadonlyArray<readonly [string, number]> = [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]];
  let left = Math.floor(abs / 1000);
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (left < size && parts.length === 0) continue;
    parts.push(`${Math.floor(left / size)} ${name}`);
    left %= size;
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith('0 ')).join(' ');
}

/**
 * What a verifier makes of a validly signed `expires=`.
 *
 * @example const verdict: ExpiryVerdict = judgeExpiry({ raw: '0', repeated: false }, Date.now(), 30_000) // EXPIRED
 */
export type ExpiryVerdict =
  | { readonly ok: true; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'EXPIRED' | 'MALFORMED_EXPIRES' | 'DUPLICATE_PARAMETER'; readonly message: string; readonly expiresAt?: Date | undefined };

/**
 * Judges a signed `expires=` at `nowMs` with `clockSkewMs` of allowance.
 *
 * @example judgeExpiry(findExpires(query)!, Date.now(), 30_000) // { ok: true, expiresAt } or EXPIRED
 */
export function judgeExpiry(found: { readonly raw: string; readonly repeated: boolean }, nowMs: number, clockSkewMs: number): ExpiryVerdict {
  if (found.repeated) return { ok: false, reason: 'DUPLICATE_PARAMETER', message: 'The URL has expires= more than once; sign it again with exactly one.' };
  const expiresAt = parseExpires(found.raw);
  if (expiresAt === undefined) {
    return { ok: false, reason: 'MALFORMED_EXPIRES', message: `The URL's expires= is ${JSON.stringify(found.raw.slice(0, 24))}, not a time in whole seconds since 1970 (digits only); sign it again with mapsign's expiry option.` };
  }
  const past = nowMs - expiresAt.getTime();
  if (past < clockSkewMs) return { ok: true, expiresAt };
  return { ok: false, reason: 'EXPIRED', expiresAt, message: `The URL expired at ${expiresAt.toISOString()}, ${describeSpan(past)} ago (the clock-skew allowance is ${describeSpan(clockSkewMs)}); ask for a freshly signed URL.` };
}
