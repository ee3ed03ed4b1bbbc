/**
 * The query parameters that authenticate a request, and how a verifying proxy takes them out
 * before forwarding: the upstream has no use for a signature, and learns which client sent a
 * request only from the proxy's own `x-mapsign-credential` header (a client's copy is dropped by
 * the forwarding rules, forward-rules.ts). Every other byte of the query is kept as sent, empty
 * pairs too.
 */
/** The header the gateway sets to the verified credential id for the upstream. */
export const CREDENTIAL_HEADER = 'x-mapsign-credential';

/**
 * The query parameters that authenticate a request. `expires=` is not among them: it limits a
 * URL rather than naming who sent it, the upstream may use it (to cap how long it lets the
 * response be cached), and an operator reading upstream logs sees when each URL was meant to
 * stop working.
 */
export const AUTH_PARAMS: readonly string[] = ['client', 'key', 'signature'];

/**
 * Removes the named parameters from a raw target, keeping every other byte as sent.
 *
 * @example stripParams('/a?x=1&&client=c&signature=s', AUTH_PARAMS) // '/a?x=1&'
 */
export function stripParams(target: string, names: readonly string[]): string {
  const mark = target.indexOf('?');
  if (mark < 0) return target;
  // Scanned in place: until a pair is removed the kept pairs are a prefix of `target`, so the
  // usual target (auth pairs last) costs one slice and no arrays.
  let out: string | undefined;
  let kept = 0;
  let keptEnd = mark + 1;
  for (let start = mark + 1; ; ) {
    const amp = target.indexOf('&', start);
    const end = amp < 0 ? target.length : amp;
    if (isNamed(target, start, end, names)) out ??= target.slice(0, keptEnd);
    else {
      if (out !== undefined) out += kept === 0 ? target.slice(start, end) : `&${target.slice(start, end)}`;
      kept += 1;
      keptEnd = end;
    }
    if (amp < 0) break;
    start = amp + 1;
  }
  if (out === undefined) return target;
  return kept === 0 ? target.slice(0, mark) : out;
}

/** True when the pair at `start`..`end` of `target` is named one of `names`. */
function isNamed(target: string, start: number, end: number, names: readonly string[]): boolean {
  for (const name of names) {
    const after = start + name.length;
    if (after <= end && target.startsWith(name, start) && (after === end || target.charCodeAt(after) === 61 /* = */)) return true;
  }
  return false;
}

/**
 * An upstream URL taken apart for forwarding: its origin, and its path without a trailing `/`
 * as the base every target is appended to.
 *
 * @example upstreamBase('http://tiles.internal:8080/v1/') // { origin: 'http://tiles.internal:8080', basePath: '/v1', host: 'tiles.internal:8080' }
 */
export function upstreamBase(upstream: string): { readonly origin: string; readonly basePath: string; readonly host: string } {
  const url = new URL(upstream);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), host: url.host };
}

/**
 * The URL to fetch upstream for a verified target: the upstream's origin and base path, then
 * the target. Never `new URL(target, upstream)`, which reads a target beginning with `//` as
 * another host.
 *
 * @example upstreamUrl('http://tiles.internal/v1', '//evil.example/x') // 'http://tiles.internal/v1//evil.example/x'
 */
export function upstreamUrl(upstream: string, target: string): string {
  const { origin, basePath } = upstreamBase(upstream);
  return `${origin}${basePath}${target}`;
}
