/**
 * The public origin a full-URL scheme (MapTiler) signs: `https://tiles.example.com`.
 *
 * Behind a proxy the gateway cannot see the URL the client used, so the origin comes from the
 * operator's `--public-url`, or from `X-Forwarded-Proto`/`X-Forwarded-Host` — but only when the
 * TCP peer is a proxy the operator trusts (`--trust-proxy`), since any client can send those
 * headers. Otherwise it is the `Host` header over plain HTTP, which is what a client talking to
 * the gateway directly signed.
 */

/** Where the public origin comes from. */
export interface OriginOptions {
  /** `https://tiles.example.com`; wins over every header. */
  readonly publicUrl?: string;
  /** Peer addresses whose `X-Forwarded-*` headers are believed; `loopback` stands for 127.0.0.1 and ::1. */
  readonly trustProxy?: readonly string[];
}

/** Read access to request headers, as both `Headers` and Node's lower-cased objects give it. */
export type HeaderReader = (name: string) => string | undefined;

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: ':80', https: ':443' };

/** Lower-cases the host and drops the scheme's default port, as the core does when signing. */
function normalise(proto: string, host: string): string {
  const scheme = proto.toLowerCase();
  let authority = host.trim().toLowerCase();
  const port = DEFAULT_PORT[scheme];
  if (port !== undefined && authority.endsWith(port)) authority = authority.slice(0, -port.length);
  return `${scheme}://${authority}`;
}

/** The first value of a comma-separated forwarded header (the client-most hop). */
function first(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cut = value.indexOf(',');
  return (cut < 0 ? value : value.slice(0, cut)).trim() || undefined;
}

/** Strips the IPv4-mapped prefix Node reports for IPv4 peers on a dual-stack socket. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Returns a function giving the public origin of one request.
 *
 * @example createOriginResolver({ trustProxy: ['10.0.0.5'] })(header, '10.0.0.5') // 'https://tiles.example.com'
 */
export function createOriginResolver(options: OriginOptions): (header: HeaderReader, peer: string | undefined) => string {
  if (options.publicUrl !== undefined) {
    const fixed = new URL(options.publicUrl).origin;
    return () => fixed;
  }
  const trusted = new Set<string>();
  for (const entry of options.trustProxy ?? []) {
    if (entry === 'loopback') trusted.add('127.0.0.1').add('::1');
    else trusted.add(plainAddress(entry));
  }
  return (header, peer) => {
    if (peer !== undefined && trusted.has(plainAddress(peer))) {
      const host = first(header('x-forwarded-host'));
      if (host !== undefined) return normalise(first(header('x-forwarded-proto')) ?? 'http', host);
    }
    return normalise('http', header('host') ?? 'localhost');
  };
}

/**
 * Checks a `--public-url` value; returns an error message or `undefined`.
 *
 * @example checkPublicUrl('tiles.example.com') // 'Give --public-url as an absolute http(s) URL …'
 */
export function checkPublicUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // Reported below.
  }
  return `Give the public URL as an absolute http(s) URL such as https://tiles.example.com, not ${JSON.stringify(value.slice(0, 60))}.`;
}
