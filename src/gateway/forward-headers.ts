/**
 * Header rewriting between client and upstream on the Node gateway, over Node's raw header
 * lines, with the rules shared with the `fetch`-style verifier (src/http/forward-rules.ts).
 * `X-Request-Id` is the gateway's own both ways (request-id.ts): the client's copy never
 * reaches the upstream, nor the upstream's the client; the gateway's id goes to both.
 */
import { connectionTokens, isForwardableRequestHeader, isForwardableResponseHeader, proxyHeaders } from '../http/forward-rules.js';
import { REQUEST_ID_HEADER } from './request-id.js';

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
  /** The request's id, sent as `X-Request-Id`. */
  readonly requestId: string;
}

/**
 * The request headers for the upstream, from the client's raw header lines (duplicates and
 * order kept), as a flat `[name, value, …]` list.
 *
 * @example upstreamRequestHeaders(req.rawHeaders, req.headers.connection, { host: '127.0.0.1:8080', credential: 'gme-acme', origin: 'http://gw', peer: '203.0.113.9', trusted: false, requestId })
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], connection: string | string[] | undefined, own: GatewayHeaders): string[] {
  const named = connectionTokens(connection);
  const out: string[] = [];
  let chain: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]!;
    const name = raw.toLowerCase();
    if (!isForwardableRequestHeader(name, named, own.trusted) || name === REQUEST_ID_HEADER) continue;
    // A trusted proxy's chain is extended with its own address below, not sent twice.
    if (name === 'x-forwarded-for') chain = chain === undefined ? rawHeaders[i + 1]! : `${chain}, ${rawHeaders[i + 1]!}`;
    else out.push(raw, rawHeaders[i + 1]!);
  }
  out.push('host', own.host);
  if (own.peer !== undefined) out.push('x-forwarded-for', chain === undefined ? own.peer : `${chain}, ${own.peer}`);
  for (const [name, value] of proxyHeaders(own.origin, own.credential)) out.push(name, value);
  out.push(REQUEST_ID_HEADER, own.requestId);
  return out;
}

/**
 * The upstream's response headers for the client, with the request's id, as a flat
 * `[name, value, …]` list.
 *
 * @example res.writeHead(status, clientResponseHeaders(headers, requestId))
 */
export function clientResponseHeaders(headers: Readonly<Record<string, string | string[] | undefined>>, requestId: string): string[] {
  const named = connectionTokens(headers['connection']);
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || !isForwardableResponseHeader(name, named) || name === REQUEST_ID_HEADER) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, value);
  }
  out.push(REQUEST_ID_HEADER, requestId);
  return out;
}
