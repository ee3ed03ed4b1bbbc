/**
 * A route's lifetime: signed URLs carry `expires=` (the sign option `expiresAt`), for operators'
 * own servers behind a mapsign verifier (`mapsign serve`), which refuse a URL once it is past.
 *
 * Answers stay deterministic and cacheable: the expiry is not "now + lifetime" but the end of a
 * window that moves in steps of half the lifetime (rounded down to whole seconds). Within one
 * step every request gets the same URL, hence the same `ETag`; each URL is valid for more than
 * half the lifetime and at most all of it; and `Cache-Control: max-age` is capped at the time
 * left in the step, so no cache hands out a URL after a fresh request would have got a newer one.
 *
 * Google's and MapTiler's own servers ignore `expires=` (the signature still covers it, so it is
 * harmless but useless): a policy refuses a lifetime on a route to their hosts.
 */

/** The shortest lifetime a policy may give, in seconds: steps of 5 s. */
export const MIN_LIFETIME_SECONDS = 10;
/** The longest lifetime a policy may give, in seconds: 30 days. */
export const MAX_LIFETIME_SECONDS = 30 * 86_400;
/** Hosts (and their subdomains) whose servers ignore `expires=`. */
export const EXPIRY_BLIND_HOSTS = ['googleapis.com', 'maptiler.com'] as const;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * The seconds of a lifetime written as a whole number and a unit (`90s`, `10m`, `2h`, `1d`),
 * or `undefined` when it is not written so; the bounds are the caller's to check.
 *
 * @example parseLifetime('10m') // 600
 */
export function parseLifetime(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,6})([smhd])$/.exec(text);
  return match === null ? undefined : Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/**
 * True when `host` (a URL's hostname) is one of {@link EXPIRY_BLIND_HOSTS} or under one.
 *
 * @example ignoresExpiry('maps.googleapis.com') // true
 */
export function ignoresExpiry(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return EXPIRY_BLIND_HOSTS.some((blind) => name === blind || name.endsWith(`.${blind}`));
}

/** The expiry of URLs signed now, and how long answers carrying them may be cached. */
export interface ExpiryStep {
  readonly expiresAt: Date;
  /** When the step ends and requests start getting a newer expiry, in ms since 1970. */
  readonly endsAtMs: number;
  /** Whole seconds left in the step: the longest `max-age` of an answer. */
  readonly secondsLeft: number;
}

/**
 * The expiry step at `nowMs` for a lifetime of `lifetimeSeconds` (at least 2).
 *
 * @example expiryStep(600, Date.parse('2026-12-01T12:07:00Z')).expiresAt // 2026-12-01T12:15:00Z (steps of 5 min)
 */
export function expiryStep(lifetimeSeconds: number, nowMs: number): ExpiryStep {
  const stepMs = Math.floor(lifetimeSeconds / 2) * 1000;
  const startMs = Math.floor(nowMs / stepMs) * stepMs;
  const endsAtMs = startMs + stepMs;
  return { expiresAt: new Date(startMs + lifetimeSeconds * 1000), endsAtMs, secondsLeft: Math.floor((endsAtMs - nowMs) / 1000) };
}

/**
 * `cacheControl` with every `max-age`/`s-maxage` at most `seconds`; one is added when neither
 * is there, unless the answer is not to be stored at all.
 *
 * @example cacheControlWithin('public, max-age=600', 42) // 'public, max-age=42'
 */
export function cacheControlWithin(cacheControl: string, seconds: number): string {
  let capped = false;
  const directives = cacheControl.split(',').map((part) => {
    const match = /^\s*(max-age|s-maxage)\s*=\s*"?(\d+)"?\s*$/i.exec(part);
    if (match === null) return part.trim();
    capped = true;
    return `${match[1]!.toLowerCase()}=${Math.min(Number(match[2]), seconds)}`;
  });
  if (!capped && !/(?:^|,)\s*no-store\s*(?:,|$)/i.test(cacheControl)) directives.push(`max-age=${seconds}`);
  return directives.filter((part) => part !== '').join(', ');
}
