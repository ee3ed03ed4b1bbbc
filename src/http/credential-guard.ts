/**
 * A credential's controls compiled for requests, and the restrictions checked on a request
 * that verified: expiry required (and how far ahead), path prefix, referrer, client network.
 * Runtime-neutral; the gateway adds the limits that need its state (rate, daily quota).
 *
 * Compiling happens once per credential per cache reload, so a request pays only for what its
 * credential restricts; a credential without controls has no guard at all. The rate limit's
 * bucket lives on the guard, so only credentials that verified and carry a limit ever hold
 * limiter state, and it carries over a reload when the limit is unchanged. Each guard also
 * remembers the last client address and referrer origin it checked and the answer, since a
 * credential's requests mostly come from the same few.
 */
import { formatRateLimit, hasControls, type CredentialControls } from '../core/credential-controls.js';
import { describeSpan } from '../core/expiry.js';
import { networkContains, parseIpAddress, parseIpNetwork, type IpNetwork } from '../core/ip-network.js';
import { isPlainPath, pathUnder } from '../core/path-prefix.js';
import { originOf, parseReferrerPattern, referrerMatches, type ReferrerPattern } from '../core/referrer-pattern.js';
import { clientAddress } from './client-address.js';
import type { HeaderReader } from './origin.js';
import { controlRefusal, type Refusal } from './refusal.js';
import { TokenBucket } from './token-bucket.js';

/** One credential's controls, ready to check. */
export interface CredentialGuard {
  readonly id: string;
  /** As stored, for messages. */
  readonly controls: CredentialControls;
  readonly paths: readonly string[] | undefined;
  readonly referrers: readonly ReferrerPattern[] | undefined;
  readonly networks: readonly IpNetwork[] | undefined;
  readonly requireExpiry: boolean;
  readonly maxLifetimeMs: number | undefined;
  readonly bucket: TokenBucket | undefined;
  readonly dailyQuota: number | undefined;
  /** The last client address and `Origin`/`Referer` value checked, with the answers: most requests repeat them. */
  readonly last: { address: string | undefined; addressAllowed: boolean; referrer: string | undefined; referrerAllowed: boolean };
}

/**
 * The guard for credential `id`, or `undefined` when it has no controls. `previous` (the
 * guard from the last load) keeps its rate-limit bucket when the limit did not change.
 *
 * @example const guard = compileGuard('gme-acme', { allowPaths: ['/tiles/'] })
 */
export function compileGuard(id: string, controls: CredentialControls, previous?: CredentialGuard): CredentialGuard | undefined {
  if (!hasControls(controls)) return undefined;
  const rate = controls.rateLimit;
  const kept = previous?.bucket;
  const bucket = rate === undefined ? undefined : kept !== undefined && formatRateLimit(kept.limit) === formatRateLimit(rate) ? kept : new TokenBucket(rate);
  return {
    id,
    controls,
    paths: controls.allowPaths,
    referrers: controls.allowReferrers?.map(parseReferrerPattern),
    networks: controls.allowIps?.map(parseIpNetwork),
    requireExpiry: controls.requireExpiry === true,
    maxLifetimeMs: controls.maxLifetimeSeconds === undefined ? undefined : controls.maxLifetimeSeconds * 1000,
    bucket,
    dailyQuota: controls.dailyQuota,
    last: { address: undefined, addressAllowed: false, referrer: undefined, referrerAllowed: false },
  };
}

/** What the restrictions read of a request that verified. */
export interface GuardedRequest {
  /** The raw request target, as forwarded. */
  readonly target: string;
  readonly header: HeaderReader;
  /** The TCP peer. */
  readonly peer: string | undefined;
  /** True for a proxy whose `X-Forwarded-For` is believed (`--trust-proxy`). */
  readonly trusts: (address: string) => boolean;
  /** The signed `expires=` of the URL, if any. */
  readonly expiresAt: Date | undefined;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

function listed(values: readonly string[]): string {
  return values.join(', ');
}

/** The header the request's origin is read from: `Origin`, else `Referer` (marked by a leading newline, which no header value holds). */
function originSource(header: HeaderReader): string | undefined {
  const origin = header('origin');
  if (origin !== undefined && origin !== 'null') return origin;
  const referer = header('referer');
  return referer === undefined ? undefined : `\n${referer}`;
}

/** The origin of a value from {@link originSource}. */
function originFrom(source: string | undefined): string | undefined {
  return source === undefined ? undefined : originOf(source.charCodeAt(0) === 10 ? source.slice(1) : source);
}

/**
 * The refusal for the first restriction `request` breaks, or `undefined`.
 *
 * @example const refusal = checkRestrictions(guard, { target, header, peer, trusts, expiresAt: result.expiresAt, now: Date.now() })
 */
export function checkRestrictions(guard: CredentialGuard, request: GuardedRequest): Refusal | undefined {
  const { id, controls } = guard;
  if (guard.requireExpiry) {
    if (request.expiresAt === undefined) return controlRefusal('EXPIRY_REQUIRED', `Credential ${id} only accepts signed URLs that expire: sign with an expiry (mapsign sign --expires 10m, or the expires option).`, id);
    const ahead = request.expiresAt.getTime() - request.now;
    if (guard.maxLifetimeMs !== undefined && ahead > guard.maxLifetimeMs) {
      return controlRefusal('LIFETIME_TOO_LONG', `Credential ${id} accepts signed URLs that expire at most ${describeSpan(guard.maxLifetimeMs)} ahead; this one expires in ${describeSpan(ahead)}, ${describeSpan(ahead - guard.maxLifetimeMs)} beyond that. Sign with a shorter expiry.`, id);
    }
  }
  if (guard.paths !== undefined) {
    const query = request.target.indexOf('?');
    const path = query < 0 ? request.target : request.target.slice(0, query);
    if (!isPlainPath(path) || !guard.paths.some((prefix) => pathUnder(prefix, path))) {
      return controlRefusal('PATH_NOT_ALLOWED', `Credential ${id} may only be used for paths under ${listed(guard.paths)}, written plainly (no dot segments, //, \\ or escaped . / ; \\ %).`, id);
    }
  }
  const { last } = guard;
  if (guard.referrers !== undefined) {
    const source = originSource(request.header);
    if (source !== last.referrer || source === undefined) {
      const origin = originFrom(source);
      last.referrer = source;
      last.referrerAllowed = origin !== undefined && guard.referrers.some((pattern) => referrerMatches(pattern, origin));
    }
    if (!last.referrerAllowed) {
      const origin = originFrom(source);
      const from = origin === undefined ? 'this request names no origin in Origin or Referer' : `this request comes from ${origin}`;
      return controlRefusal('REFERRER_NOT_ALLOWED', `Credential ${id} may only be used from ${listed(controls.allowReferrers ?? [])}; ${from}.`, id);
    }
  }
  if (guard.networks !== undefined) {
    const address = clientAddress(request.peer, request.header('x-forwarded-for'), request.trusts);
    if (address !== last.address || address === undefined) {
      const bytes = address === undefined ? undefined : parseIpAddress(address);
      last.address = address;
      last.addressAllowed = bytes !== undefined && guard.networks.some((network) => networkContains(network, bytes));
    }
    if (!last.addressAllowed) {
      const from = address === undefined || parseIpAddress(address) === undefined ? 'the client address cannot be read' : `this request comes from ${address}`;
      return controlRefusal('IP_NOT_ALLOWED', `Credential ${id} may only be used from ${listed(controls.allowIps ?? [])}; ${from}.`, id);
    }
  }
  return undefined;
}
