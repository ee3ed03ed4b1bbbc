/**
 * Takes a URL apart without rewriting a single byte of its path or query.
 *
 * The WHATWG `URL` class resolves `..`, re-encodes spaces and quotes and re-orders nothing but
 * still changes bytes, and a signature covers bytes. So the core splits URLs itself: origin,
 * raw path, raw query, raw fragment. Only the origin is normalised, to exactly what every HTTP
 * client sends: the WHATWG host serialisation (lower case, IPv4 in dotted decimal however it
 * was written — `127.1`, `0x7f.0.0.1` —, IPv6 compressed), the port as a plain number and a
 * default port dropped. An origin no client could send (a port over 65535, an IPv4 address
 * out of range) is refused.
 */
import { MapsignError } from './errors.js';

/** A URL split into its raw parts. */
export interface RawUrl {
  /** `https://host[:port]`, normalised; empty for an origin-less `/path?query`. */
  readonly origin: string;
  /** The raw path; `/` stands in for an empty path, as HTTP clients send it. */
  readonly path: string;
  /** The raw query without `?`; `undefined` when there is no `?`. */
  readonly query: string | undefined;
  /** The raw fragment without `#`; `undefined` when there is no `#`. */
  readonly fragment: string | undefined;
  /**
   * True when `origin` + `path` + `?query` is, character for character, how the URL itself
   * begins (its origin needed no normalising and its path is not empty), so callers can take
   * the signed string as one slice of the input instead of concatenating it anew.
   */
  readonly verbatim: boolean;
}

const ORIGIN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d*)?$/;

/**
 * Splits `url` into origin, path, query and fragment.
 *
 * @param allowOriginless accept `/path?query` (schemes that sign only path and query)
 * @example splitUrl('https://Maps.example.com:443/a?b=1#c')
 * // { origin: 'https://maps.example.com', path: '/a', query: 'b=1', fragment: 'c' }
 */
export function splitUrl(url: string, allowOriginless: boolean): RawUrl {
  if (typeof url !== 'string' || url.length === 0) {
    throw new MapsignError('INVALID_URL', 'Expected a URL string such as https://maps.example.com/api?x=1.');
  }
  let origin = '';
  let rest = url;
  let verbatim = true;
  if (url.charCodeAt(0) === 47 /* / */ && url.charCodeAt(1) !== 47) {
    if (!allowOriginless) {
      throw new MapsignError('INVALID_URL', 'This scheme signs the whole URL: give an absolute URL starting with https:// or http://.');
    }
  } else {
    const parsed = parseOrigin(url);
    origin = parsed.origin;
    rest = url.slice(parsed.length);
    verbatim = parsed.length === origin.length && rest.charCodeAt(0) === 47;
  }
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query: string | undefined;
  const mark = rest.indexOf('?');
  if (mark >= 0) {
    query = rest.slice(mark + 1);
    rest = rest.slice(0, mark);
  }
  return { origin, path: rest === '' ? '/' : rest, query, fragment, verbatim };
}

// Signers see the same origin over and over: remember the last one and its normalised form.
let lastRawOrigin = '';
let lastOrigin = '';

/** Where the authority of an absolute URL ends: the first `/`, `?` or `#` after `://`, or the end. */
export function authorityEnd(url: string): number {
  const start = url.indexOf('://') + 3;
  let end = url.indexOf('/', start);
  if (end < 0) end = url.length;
  const mark = url.indexOf('?', start);
  if (mark >= 0 && mark < end) end = mark;
  const hash = url.indexOf('#', start);
  return hash >= 0 && hash < end ? hash : end;
}

/** The normalised origin and how many characters of `url` it spans. */
function parseOrigin(url: string): { origin: string; length: number } {
  const end = authorityEnd(url);
  if (end === lastRawOrigin.length && url.slice(0, end) === lastRawOrigin) return { origin: lastOrigin, length: end };
  const parsed = normaliseOrigin(url);
  lastRawOrigin = url.slice(0, parsed.length);
  lastOrigin = parsed.origin;
  return parsed;
}

function normaliseOrigin(url: string): { origin: string; length: number } {
  const match = ORIGIN.exec(url);
  if (match === null) {
    throw new MapsignError('INVALID_URL', 'Expected an absolute URL starting with https:// or http://, or a path starting with /.');
  }
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!;
  if (scheme !== 'http' && scheme !== 'https') {
    throw new MapsignError('INVALID_URL', `Only http and https URLs can be signed, not ${scheme}:.`);
  }
  if (authority.includes('@')) {
    throw new MapsignError('INVALID_URL', 'Remove the user name or password (the part before @) from the URL; signed URLs cannot carry them.');
  }
  if (!HOST.test(authority)) {
    throw new MapsignError('INVALID_URL', 'The host name is empty or has characters a URL cannot carry; write internationalised names in punycode (xn--…).');
  }
  return { origin: `${scheme}://${clientHost(scheme, authority)}`, length: match[0].length };
}

/**
 * `host[:port]` as HTTP clients write it in the request (the WHATWG URL host serialisation,
 * which every browser, `fetch` and undici use); throws when no client would accept it.
 */
function clientHost(scheme: string, authority: string): string {
  try {
    return new URL(`${scheme}://${authority}/`).host;
  } catch {
    const port = /:(\d+)$/.exec(authority)?.[1];
    const why = port !== undefined && Number(port) > 65535 ? `its port ${port} is over 65535` : 'its host is not a valid name or IP address (an IPv4 address has four numbers from 0 to 255)';
    throw new MapsignError('INVALID_URL', `No HTTP client can send this URL: ${why}.`);
  }
}

/** Reassembles parts (without the fragment) into the URL a client sends. */
export function joinUrl(parts: { origin: string; path: string; query: string | undefined }): string {
  return parts.query === undefined ? parts.origin + parts.path : `${parts.origin}${parts.path}?${parts.query}`;
}

/** One `name=value` pair of a raw query, with its position. */
export interface RawParam {
  readonly name: string;
  /** Raw (still percent-encoded) value; empty for a bare `name`. */
  readonly value: string;
  /** Index of the first character of the pair in the query. */
  readonly start: number;
  /** Index just past the last character of the pair. */
  readonly end: number;
}

/** Every parameter named exactly `name` (raw, not decoded), in order. */
export function findParams(query: string, name: string): RawParam[] {
  const found: RawParam[] = [];
  for (let at = indexOfParam(query, name); at >= 0; at = indexOfParam(query, name, found[found.length - 1]!.end)) {
    found.push(paramAt(query, name, at));
  }
  return found;
}

/** Every parameter of a raw query, in order; empty pairs (`a&&b`) are skipped. */
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

/** Percent-decodes a raw query component (`+` as space), or `undefined` when it is not valid UTF-8. */
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

/** True when the raw query has a parameter named exactly `name`. */
export function hasParam(query: string, name: string): boolean {
  return indexOfParam(query, name) >= 0;
}

/** The raw parameter `name` that starts at `start` (an index from {@link indexOfParam}). */
export function paramAt(query: string, name: string, start: number): RawParam {
  let end = query.indexOf('&', start);
  if (end < 0) end = query.length;
  const hasValue = query.charCodeAt(start + name.length) === 61; /* = */
  return { name, value: hasValue ? query.slice(start + name.length + 1, end) : '', start, end };
}
