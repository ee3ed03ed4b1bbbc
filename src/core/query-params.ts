/**
 * Reads the parameters of a raw query — as sent, still percent-encoded — without splitting it
 * into a new structure: signing and verifying look for `client`, `key`, `channel` and
 * `signature` on every URL, so the lookups here allocate nothing until a parameter is found.
 * A name matches exactly (`xkey=` is not `key=`), and positions are indices into the query, so
 * callers cut or replace one pair and keep every other byte as it was.
 */

/**
 * One `name=value` pair of a raw query, with its position.
 *
 * @example findParams('a=1&b=2', 'b')[0] // { name: 'b', value: '2', start: 4, end: 7 }
 */
export interface RawParam {
  readonly name: string;
  /** Raw (still percent-encoded) value; empty for a bare `name`. */
  readonly value: string;
  /** Index of the first character of the pair in the query. */
  readonly start: number;
  /** Index just past the last character of the pair. */
  readonly end: number;
}

/**
 * Every parameter named exactly `name` (raw, not decoded), in order.
 *
 * @example findParams('a=1&a=2', 'a').map((p) => p.value) // ['1', '2']
 */
export function findParams(query: string, name: string): RawParam[] {
  const found: RawParam[] = [];
  for (let at = indexOfParam(query, name); at >= 0; at = indexOfParam(query, name, found[found.length - 1]!.end)) {
    found.push(paramAt(query, name, at));
  }
  return found;
}

/**
 * Every parameter of a raw query, in order; empty pairs (`a&&b`) are skipped.
 *
 * @example listParams('a=1&&b').map((p) => p.name) // ['a', 'b']
 */
export function listParams(query: string): RawParam[] {
  const params: RawParam[] = [];
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      const eq = query.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      params.push({
        name: query.slice(start, hasValue ? eq : end),
        value: hasValue ? query.slice(eq + 1, end) : '',
        start,
        end,
      });
    }
    start = end + 1;
  }
  return params;
}

/**
 * Percent-decodes a raw query component (`+` as space), or `undefined` when it is not valid UTF-8.
 *
 * @example decodeQueryComponent('New+York%21') // 'New York!'
 */
export function decodeQueryComponent(raw: string): string | undefined {
  if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Index where the first parameter named exactly `name` starts, at or after `from`; -1 if none.
 * Allocates nothing: it runs on every signature.
 *
 * @example indexOfParam('xkey=1&key=2', 'key') // 7
 */
export function indexOfParam(query: string, name: string, from = 0): number {
  let at = query.indexOf(name, from);
  while (at >= 0) {
    const after = at + name.length;
    const next = query.charCodeAt(after);
    const boundaryAfter = after === query.length || next === 61 /* = */ || next === 38; /* & */
    if (boundaryAfter && (at === 0 || query.charCodeAt(at - 1) === 38)) return at;
    at = query.indexOf(name, at + 1);
  }
  return -1;
}

/**
 * True when the raw query has a parameter named exactly `name`.
 *
 * @example hasParam('a=1&signature=x', 'signature') // true
 */
export function hasParam(query: string, name: string): boolean {
  return indexOfParam(query, name) >= 0;
}

/**
 * The raw parameter `name` that starts at `start` (an index from {@link indexOfParam}).
 *
 * @example paramAt('a=1&key=k', 'key', 4) // { name: 'key', value: 'k', start: 4, end: 9 }
 */
export function paramAt(query: string, name: string, start: number): RawParam {
  let end = query.indexOf('&', start);
  if (end < 0) end = query.length;
  const hasValue = query.charCodeAt(start + name.length) === 61; /* = */
  return { name, value: hasValue ? query.slice(start + name.length + 1, end) : '', start, end };
}
