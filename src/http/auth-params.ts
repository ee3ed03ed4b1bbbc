/**
 * The query parameters that authenticate a request, and how the gateway takes them out before
 * forwarding: the upstream has no use for a signature, and learns which client sent a request
 * only from the gateway's own `x-mapsign-credential` header, which a client cannot forge because
 * any incoming copy is dropped. Every other byte of the query is kept as sent, empty pairs too.
 */
/** The header the gateway sets to the verified credential id for the upstream. */
export const CREDENTIAL_HEADER = 'x-mapsign-credential';

/** The query parameters that authenticate a request. */
export const AUTH_PARAMS: readonly string[] = ['client', 'key', 'signature'];

/**
 * Removes the named parameters from a raw target, keeping every other byte as sent.
 *
 * @example stripParams('/a?x=1&&client=c&signature=s', AUTH_PARAMS) // '/a?x=1&'
 */
export function stripParams(target: string, names: readonly string[]): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  const kept: string[] = [];
  let removed = false;
  for (const pair of target.slice(mark + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (names.includes(eq < 0 ? pair : pair.slice(0, eq))) removed = true;
    else kept.push(pair);
  }
  if (!removed) return target;
  return kept.length === 0 ? target.slice(0, mark) : `${target.slice(0, mark)}?${kept.join('&')}`;
}

/**
 * The URL to fetch upstream for a verified target: the upstream's origin and base path, then
 * the target. Never `new URL(target, upstream)`, which reads a target beginning with `//` as
 * another host.
 *
 * @example upstreamUrl('http://tiles.internal/v1', '//evil.example/x') // 'http://tiles.internal/v1//evil.example/x'
 */
export function upstreamUrl(upstream: string, target: string): string {
  const base = new URL(upstream);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${target}`;
}
