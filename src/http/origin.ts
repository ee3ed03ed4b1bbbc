/**
 * The public origin a full-URL scheme (MapTiler) signs — `https://tiles.example.com` — and the
 * checks on the headers it may come from.
 *
 * Behind a proxy the gateway cannot see the URL the client used, so the origin comes from the
 * operator's `--public-url` (which always wins), or from `X-Forwarded-Proto`/`X-Forwarded-Host`
 * — but only when the TCP peer is a proxy the operator trusts (`--trust-proxy`), since any
 * client can send those headers. Otherwise it is the `Host` header over plain HTTP, which is
 * what a client talking to the gateway directly signed. `Host` is required (HTTP/1.1 demands
 * it) and every header used must be one valid `host[:port]` (or `http`/`https`), so no part of
 * a path can hide in a host.
 */
import { isValidHost, isValidProto, type RuleReason } from './request-rules.js';

/** Where the public origin comes from. */
export interface OriginOptions {
  /** `https://tiles.example.com`; wins over every header. */
  readonly publicUrl?: string | undefined;
  /** Peer addresses whose `X-Forwarded-*` headers are believed; `loopback` stands for 127.0.0.1 and ::1. */
  readonly trustProxy?: readonly string[] | undefined;
}

/** Read access to request headers, as both `Headers` and Node's lower-cased objects give it. */
export type HeaderReader = (name: string) => string | undefined;

/** Resolves and checks the origin of requests. */
export interface OriginResolver {
  /** The rule the request's `Host` or trusted forwarded headers break, if any. */
  check(header: HeaderReader, peer: string | undefined): RuleReason | undefined;
  /**
   * The public origin of a request that passed {@link OriginResolver.check}; `known` is the
   * origin a `fetch` runtime already parsed, used in place of `Host` over plain HTTP.
   */
  origin(header: HeaderReader, peer: string | undefined, known?: string): string;
  /** True when `peer` is a proxy whose forwarded headers are believed. */
  trusts(peer: string | undefined): boolean;
}

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: ':80', https: ':443' };

/** Lower-cases the host and drops the scheme's default port, as the core does when signing. */
function normalise(proto: string, host: string): string {
  const scheme = proto.toLowerCase();
  let authority = host.toLowerCase();
  const port = DEFAULT_PORT[scheme];
  if (port !== undefined && authority.endsWith(port)) authority = authority.slice(0, -port.length);
  return `${scheme}://${authority}`;
}

/**
 * The value the nearest proxy wrote: the last of a comma-separated list. A client can put
 * anything first; a trusted proxy that appends puts its own value last.
 */
function nearest(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cut = value.lastIndexOf(',');
  return (cut < 0 ? value : value.slice(cut + 1)).trim();
}

/** Strips the IPv4-mapped prefix Node reports for IPv4 peers on a dual-stack socket. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Returns the origin resolver for `options`.
 *
 * @example createOriginResolver({ trustProxy: ['10.0.0.5'] }).origin(header, '10.0.0.5') // 'https://tiles.example.com'
 */
export function createOriginResolver(options: OriginOptions): OriginResolver {
  const fixed = options.publicUrl === undefined ? undefined : new URL(options.publicUrl).origin;
  const trusted = new Set<string>();
  for (const entry of options.trustProxy ?? []) {
    if (entry === 'loopback') trusted.add('127.0.0.1').add('::1');
    else trusted.add(plainAddress(entry));
  }
  const trusts = (peer: string | undefined): boolean => peer !== undefined && trusted.size > 0 && trusted.has(plainAddress(peer));
  // Nearly every request names the same host: remember the last one that was valid, and its origin.
  let lastHost: string | undefined;
  let lastOrigin = '';
  return {
    trusts,
    check(header, peer) {
      const host = header('host');
      if (host === undefined || (host !== lastHost && !isValidHost(host))) return 'BAD_HOST';
      if (!trusts(peer)) return undefined;
      const forwardedHost = nearest(header('x-forwarded-host'));
      if (forwardedHost !== undefined && !isValidHost(forwardedHost)) return 'BAD_FORWARDED_HEADER';
      const proto = nearest(header('x-forwarded-proto'));
      if (proto !== undefined && !isValidProto(proto)) return 'BAD_FORWARDED_HEADER';
      return undefined;
    },
    origin(header, peer, known) {
      if (fixed !== undefined) return fixed;
      if (trusts(peer)) {
        // A trusted proxy may send either header alone (nginx often sets only the protocol).
        const host = nearest(header('x-forwarded-host'));
        const proto = nearest(header('x-forwarded-proto'));
        if (host !== undefined || proto !== undefined) return normalise(proto ?? 'http', host ?? header('host') ?? '');
      }
      if (known !== undefined) return known;
      const host = header('host') ?? '';
      if (host !== lastHost) {
        lastOrigin = normalise('http', host);
        lastHost = host;
      }
      return lastOrigin;
    },
  };
}
