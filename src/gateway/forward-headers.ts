/**
 * Header rewriting between client and upstream on the Node gateway.
 *
 * Hop-by-hop headers (RFC 9110 §7.6.1: Connection and the fields it names, Keep-Alive,
 * Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade) describe one connection and are never
 * forwarded in either direction; nor is `Expect`, which the gateway answers itself. The
 * headers that tell the upstream who asked — `x-mapsign-credential`, `X-Forwarded-*`,
 * `Forwarded`, `X-Real-IP` — are the gateway's own: a client's copies are dropped, except the
 * forwarding chain of a proxy the operator trusts, which is kept and extended.
 */
import { CREDENTIAL_HEADER } from '../http/auth-params.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * `Proxy-Authorization`, `Proxy-Authenticate`, `Proxy-Connection` and the rest are for the hop
 * to a proxy; a bare `Proxy:` header is the httpoxy attack on CGI-style upstreams.
 */
function isProxyHeader(name: string): boolean {
  return name.startsWith('proxy');
}

/** Dropped from every request: set by the gateway, or answered by it. */
const GATEWAY_OWNED = new Set(['host', 'expect', CREDENTIAL_HEADER, 'x-forwarded-host', 'x-forwarded-proto']);
/** Dropped unless the peer is a trusted proxy. */
const CLIENT_CLAIMS = new Set(['x-forwarded-for', 'forwarded', 'x-real-ip']);

/** `Connection` values that name no other header: nearly every request and response has one. */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** Names listed in a `Connection` header, lower-cased; `undefined` when it lists none. */
function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined || (typeof value === 'string' && PLAIN_CONNECTION.test(value))) return undefined;
  const tokens = new Set<string>();
  for (const token of (Array.isArray(value) ? value.join(',') : value).split(',')) tokens.add(token.trim().toLowerCase());
  return tokens;
}

/** What the gateway itself tells the upstream about a verified request. */
export interface GatewayHeaders {
  /** The upstream's `host[:port]`. */
  readonly host: string;
  /** The verified credential id, or `undefined` when verification is off. */
  readonly credential: string | undefined;
  /** The public origin the request was verified against, `https://tiles.example.com`. */
  readonly origin: string;
  /** The TCP peer. */
  readonly peer: string | undefined;
  /** True when the peer is a trusted proxy, whose forwarding chain is kept. */
  readonly trusted: boolean;
}

/**
 * The request headers for the upstream, from the client's raw header lines (duplicates and
 * order kept), as a flat `[name, value, …]` list. A name with `_` is dropped, as nginx does by
 * default: CGI-style upstreams read `x_mapsign_credential` as the gateway's own header.
 *
 * @example upstreamRequestHeaders(req.rawHeaders, req.headers.connection, { host: '127.0.0.1:8080', credential: 'gme-acme', origin: 'http://gw', peer: '203.0.113.9', trusted: false })
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], connection: string | string[] | undefined, own: GatewayHeaders): string[] {
  const named = connectionTokens(connection);
  const out: string[] = [];
  let chain: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!;
    const name = raw.toLowerCase();
    if (HOP_BY_HOP.has(name) || GATEWAY_OWNED.has(name) || isProxyHeader(name) || name.includes('_') || named?.has(name)) continue;
    if (CLIENT_CLAIMS.has(name)) {
      if (!own.trusted) continue;
      if (name === 'x-forwarded-for') {
        chain = chain === undefined ? rawHeaders[i + 1]! : `${chain}, ${rawHeaders[i + 1]!}`;
        continue;
      }
    }
    out.push(raw, rawHeaders[i + 1]!);
  }
  out.push('host', own.host);
  if (own.credential !== undefined) out.push(CREDENTIAL_HEADER, own.credential);
  if (own.peer !== undefined) out.push('x-forwarded-for', chain === undefined ? own.peer : `${chain}, ${own.peer}`);
  const split = own.origin.indexOf('://');
  out.push('x-forwarded-proto', own.origin.slice(0, split), 'x-forwarded-host', own.origin.slice(split + 3));
  return out;
}

/**
 * The upstream's response headers for the client, as a flat `[name, value, …]` list.
 *
 * @example res.writeHead(status, clientResponseHeaders(headers))
 */
export function clientResponseHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const named = connectionTokens(headers['connection']);
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || isProxyHeader(name) || named?.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, value);
  }
  return out;
}
