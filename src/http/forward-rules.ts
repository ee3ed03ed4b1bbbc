/**
 * Which request headers a verifying proxy passes to the upstream, the same for the Node gateway
 * and the `fetch`-style verifier.
 *
 * Hop-by-hop headers (RFC 9110 §7.6.1: Connection and the fields it names, Keep-Alive, TE,
 * Trailer, Transfer-Encoding, Upgrade) and `Proxy-*` describe one connection (a bare `Proxy:`
 * is the httpoxy attack on CGI-style upstreams); `Expect` is answered by the proxy itself. The
 * headers that tell the upstream who asked — the credential header, `X-Forwarded-*`,
 * `Forwarded`, `X-Real-IP` — are the proxy's own: a client's copies are dropped, except the
 * forwarding headers of a proxy the operator trusts. A name with `_` is dropped, as nginx does
 * by default: CGI-style upstreams read `x_mapsign_credential` as `x-mapsign-credential`.
 */
import { CREDENTIAL_HEADER } from './auth-params.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Dropped from every request: set by the proxy, or answered by it. */
const PROXY_OWNED = new Set(['host', 'expect', CREDENTIAL_HEADER, 'x-forwarded-host', 'x-forwarded-proto']);
/** Dropped unless the peer is a trusted proxy. */
const CLIENT_CLAIMS = new Set(['x-forwarded-for', 'forwarded', 'x-real-ip']);
/** `Connection` values that name no other header: nearly every request and response has one. */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/**
 * Names listed in a `Connection` header, lower-cased; `undefined` when it lists none.
 *
 * @example connectionTokens('keep-alive, X-Drop') // Set { 'keep-alive', 'x-drop' }
 */
export function connectionTokens(value: string | readonly string[] | undefined | null): Set<string> | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && PLAIN_CONNECTION.test(value))) return undefined;
  const tokens = new Set<string>();
  for (const token of (typeof value === 'string' ? value : value.join(',')).split(',')) tokens.add(token.trim().toLowerCase());
  return tokens;
}

/**
 * True when a header of the upstream's response may reach the client: not hop-by-hop.
 *
 * @example isForwardableResponseHeader('content-type', undefined) // true
 */
export function isForwardableResponseHeader(name: string, named: ReadonlySet<string> | undefined): boolean {
  return !HOP_BY_HOP.has(name) && !name.startsWith('proxy') && named?.has(name) !== true;
}

/**
 * True when a client's request header (lower-cased `name`) may reach the upstream; `trusted`
 * when the peer is a proxy the operator trusts (its forwarding headers are kept).
 *
 * @example isForwardableRequestHeader('x-mapsign-credential', undefined, false) // false
 */
export function isForwardableRequestHeader(name: string, named: ReadonlySet<string> | undefined, trusted: boolean): boolean {
  if (!isForwardableResponseHeader(name, named) || PROXY_OWNED.has(name) || name.includes('_')) return false;
  return trusted || !CLIENT_CLAIMS.has(name);
}

/**
 * The proxy's own headers for the upstream, from the public origin the request was verified
 * against and the credential it verified as.
 *
 * @example proxyHeaders('https://tiles.example.com', 'gme-acme') // [['x-mapsign-credential', 'gme-acme'], ['x-forwarded-proto', 'https'], ['x-forwarded-host', 'tiles.example.com']]
 */
export function proxyHeaders(origin: string, credential: string | undefined): [string, string][] {
  const split = origin.indexOf('://');
  const own: [string, string][] = [];
  if (credential !== undefined) own.push([CREDENTIAL_HEADER, credential]);
  own.push(['x-forwarded-proto', origin.slice(0, split)], ['x-forwarded-host', origin.slice(split + 3)]);
  return own;
}
