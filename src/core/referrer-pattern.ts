/**
 * Allowed referrers for a credential's `--allow-referrer`: an exact origin
 * (`https://app.example.com`, `http://localhost:3000`) or every subdomain of a domain
 * (`*.example.com`, `https://*.example.com`), matched against the origin a browser sends in
 * `Origin` or at the start of `Referer` (RFC 6454 §6.1, RFC 9110 §10.1.3).
 *
 * Origins compare after the normalisation every browser applies: lower-case scheme and host,
 * the default port dropped. A pattern without a scheme matches `http` and `https`; `*.` matches
 * one or more labels in front of the domain, never the domain itself (list both for both), as
 * in Google's "API key restrictions" for websites. An authority with userinfo (`user@host`) is
 * no origin at all. Like any header, these are only as trustworthy as the client: they keep a
 * leaked key off other websites' pages, not off a script that sets its own headers.
 */
import { MapsignError } from './errors.js';

/** A parsed referrer pattern. */
export interface ReferrerPattern {
  /** `http` or `https`, or `undefined` for both. */
  readonly scheme: string | undefined;
  /** Host without `*.`, lower case. */
  readonly host: string;
  /** True for `*.host`: subdomains of `host` only. */
  readonly subdomains: boolean;
  /** `:8443`, or `''` for the scheme's default port. */
  readonly port: string;
}

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

interface Authority {
  readonly host: string;
  readonly port: string;
}

/** Host and non-default port of an authority, lower-cased, or `undefined`. */
function authorityOf(text: string, scheme: string | undefined): Authority | undefined {
  if (text.includes('@')) return undefined;
  const lower = text.toLowerCase();
  const colon = lower.lastIndexOf(':');
  const hasPort = colon >= 0 && !lower.slice(colon).includes(']');
  const host = hasPort ? lower.slice(0, colon) : lower;
  const port = hasPort ? lower.slice(colon + 1) : '';
  if (!HOST.test(host) || (hasPort && !/^\d{1,5}$/.test(port)) || Number(port) > 65535) return undefined;
  const kept = port === '' || (scheme !== undefined && DEFAULT_PORT[scheme] === String(Number(port))) ? '' : `:${Number(port)}`;
  return { host, port: kept };
}

/**
 * The normalised origin (`https://app.example.com`) of an `Origin` or `Referer` header
 * value, or `undefined` for `null`, an opaque or non-http(s) origin, or anything malformed.
 *
 * @example originOf('https://App.Example.com:443/page?x=1') // 'https://app.example.com'
 */
export function originOf(value: string): string | undefined {
  const match = ORIGIN.exec(value);
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const authority = authorityOf(match[2]!, scheme);
  return authority === undefined ? undefined : `${scheme}://${authority.host}${authority.port}`;
}

/**
 * Parses a pattern; throws `INVALID_ARGUMENT` saying which forms are accepted.
 *
 * @example parseReferrerPattern('*.example.com') // { scheme: undefined, host: 'example.com', subdomains: true, port: '' }
 */
export function parseReferrerPattern(text: string): ReferrerPattern {
  const fail = (): MapsignError =>
    new MapsignError('INVALID_ARGUMENT', `The referrer ${JSON.stringify(text.slice(0, 80))} is not an origin or a domain pattern; write https://app.example.com, *.example.com or https://*.example.com (no path).`);
  const schemeEnd = text.indexOf('://');
  const scheme = schemeEnd < 0 ? undefined : text.slice(0, schemeEnd).toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') throw fail();
  let rest = schemeEnd < 0 ? text : text.slice(schemeEnd + 3);
  const subdomains = rest.startsWith('*.');
  if (subdomains) rest = rest.slice(2);
  if (/[/?#*]/.test(rest)) throw fail();
  const authority = authorityOf(rest, scheme);
  if (authority === undefined || (subdomains && authority.host.startsWith('['))) throw fail();
  return { scheme, host: authority.host, subdomains, port: authority.port };
}

/**
 * The canonical text of a pattern, as stored and shown.
 *
 * @example formatReferrerPattern(parseReferrerPattern('HTTPS://App.example.com:443')) // 'https://app.example.com'
 */
export function formatReferrerPattern(pattern: ReferrerPattern): string {
  return `${pattern.scheme === undefined ? '' : `${pattern.scheme}://`}${pattern.subdomains ? '*.' : ''}${pattern.host}${pattern.port}`;
}

/**
 * True when the normalised `origin` (from {@link originOf}) matches `pattern`.
 *
 * @example referrerMatches(parseReferrerPattern('*.example.com'), 'https://maps.example.com') // true
 */
export function referrerMatches(pattern: ReferrerPattern, origin: string): boolean {
  const schemeEnd = origin.indexOf('://');
  const scheme = origin.slice(0, schemeEnd);
  if (pattern.scheme !== undefined && pattern.scheme !== scheme) return false;
  const authority = origin.slice(schemeEnd + 3);
  // A scheme-less pattern naming a default port (`example.com:443`) means that scheme's origin.
  const port = pattern.port === `:${DEFAULT_PORT[scheme]}` ? '' : pattern.port;
  if (!pattern.subdomains) return authority === `${pattern.host}${port}`;
  const suffix = `.${pattern.host}${port}`;
  if (!authority.endsWith(suffix) || authority.length === suffix.length) return false;
  // The part in front is whole labels: a port cannot hide in it.
  return !authority.slice(0, -suffix.length).includes(':');
}
