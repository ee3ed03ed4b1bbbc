/**
 * Takes a URL apart without rewriting a single byte of its path or query (the query's
 * parameters are read by `./query-params.ts`).
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

/**
 * A URL split into its raw parts.
 *
 * @example splitUrl('/a b?c', true) // { origin: '', path: '/a b', query: 'c', fragment: undefined, verbatim: true }
 */
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

/**
 * Where the authority of an absolute URL ends: the first `/`, `?` or `#` after `://`, or the end.
 *
 * @example authorityEnd('https://h.example:8443/a?b') // 22
 */
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
  const protocol = match[1]!.toLowerCase();
  const authority = match[2]!;
  if (protocol !== 'http' && protocol !== 'https') {
    throw new MapsignError('INVALID_URL', `Only http and https URLs can be signed, not ${protocol}:.`);
  }
  if (authority.includes('@')) {
    throw new MapsignError('INVALID_URL', 'Remove the user name or password (the part before @) from the URL; signed URLs cannot carry them.');
  }
  if (!HOST.test(authority)) {
    throw new MapsignError('INVALID_URL', 'The host name is empty or has characters a URL cannot carry; write internationalised names in punycode (xn--…).');
  }
  return { origin: `${protocol}://${clientHost(protocol, authority)}`, length: match[0].length };
}

/**
 * `host[:port]` as HTTP clients write it in the request (the WHATWG URL host serialisation,
 * which every browser, `fetch` and undici use); throws when no client would accept it.
 */
function clientHost(protocol: string, authority: string): string {
  try {
    return new URL(`${protocol}://${authority}/`).host;
  } catch {
    const port = /:(\d+)$/.exec(authority)?.[1];
    const why = port !== undefined && Number(port) > 65535 ? `its port ${port} is over 65535` : 'its host is not a valid name or IP address (an IPv4 address has four numbers from 0 to 255)';
    throw new MapsignError('INVALID_URL', `No HTTP client can send this URL: ${why}.`);
  }
}

/**
 * Reassembles parts (without the fragment) into the URL a client sends.
 *
 * @example joinUrl({ origin: 'https://h.example', path: '/a', query: 'b=1' }) // 'https://h.example/a?b=1'
 */
export function joinUrl(parts: { origin: string; path: string; query: string | undefined }): string {
  return parts.query === undefined ? parts.origin + parts.path : `${parts.origin}${parts.path}?${parts.query}`;
}
