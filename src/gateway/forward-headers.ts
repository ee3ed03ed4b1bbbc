/**
 * Header and query rewriting between client and upstream.
 *
 * Hop-by-hop headers (RFC 9110 §7.6.1: Connection and the fields it names, Keep-Alive,
 * Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade) describe one connection and must not be
 * forwarded in either direction. The authentication parameters are removed from the query by
 * default: the upstream has no use for a signature, and must not learn which client sent it
 * except through the gateway's own `x-mapsign-credential` header, which a client cannot forge
 * because any incoming copy is dropped.
 */
import { listParams } from '../core/url-parts.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The header the gateway sets to the verified credential id for the upstream. */
export const CREDENTIAL_HEADER = 'x-mapsign-credential';

/** The query parameters that authenticate a request. */
export const AUTH_PARAMS: readonly string[] = ['client', 'key', 'signature'];

/** Names listed in a `Connection` header, lower-cased. */
function connectionTokens(value: string | undefined): Set<string> {
  const tokens = new Set<string>();
  if (value !== undefined) for (const token of value.split(',')) tokens.add(token.trim().toLowerCase());
  return tokens;
}

/**
 * Copies headers, leaving out hop-by-hop ones and any names in `drop`.
 *
 * @example forwardableHeaders(request.headers, ['host'])
 */
export function forwardableHeaders(headers: Headers, drop: readonly string[] = []): Record<string, string> {
  const extra = connectionTokens(headers.get('connection') ?? undefined);
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !extra.has(name) && !drop.includes(name)) out[name] = value;
  });
  return out;
}

/** Copies upstream response headers (undici's object form) into `Headers`, without hop-by-hop ones. */
export function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const connection = raw['connection'];
  const extra = connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || HOP_BY_HOP.has(name) || extra.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/**
 * Removes the named parameters from a raw target, keeping every other byte as sent.
 *
 * @example stripParams('/a?x=1&client=c&signature=s', AUTH_PARAMS) // '/a?x=1'
 */
export function stripParams(target: string, names: readonly string[]): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  const query = target.slice(mark + 1);
  const kept = listParams(query).filter((param) => !names.includes(param.name)).map((param) => query.slice(param.start, param.end));
  return kept.length === 0 ? target.slice(0, mark) : `${target.slice(0, mark)}?${kept.join('&')}`;
}
