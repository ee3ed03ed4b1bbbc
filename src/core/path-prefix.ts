/**
 * Allowed path prefixes for a credential's `--allow-path`, and the one test that makes them
 * mean something: the path must be *plain*.
 *
 * The gateway forwards the request target byte for byte, and upstream servers normalise paths
 * in their own ways before routing: they resolve `.` and `..` segments (RFC 3986 §5.2.4),
 * decode `%2e`, `%2F` or `%5C` first, read `\` as `/` (IIS), merge `//`, cut a `;param` off a
 * segment (Tomcat's `..;/`), or decode twice (`%252e`). Any of these could take
 * `/tiles/../admin` outside `/tiles/`. So a path-restricted credential only passes a path in
 * which no such reading is possible — no dot segment (with or without `;…`), no `\`, no empty
 * segment, no percent-escape of `.`, `/`, `\`, `;`, `%` or a control character — and then a
 * plain byte-prefix match on what is forwarded is the match on what the upstream routes.
 *
 * A prefix ending in `/` matches the paths that start with it; one without (`/tiles`) matches
 * that path exactly and the paths under it (`/tiles/…`), never `/tiles-private`.
 */
import { MapsignError } from './errors.js';

// Escapes of '.', '/', ';', '\', '%', controls and DEL: each decodes into path syntax (or NUL).
const RISKY_ESCAPE = /%(?:2[eEfF5]|3[bB]|5[cC]|[01][0-9a-fA-F]|7[fF])/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:;[^/]*)?(?:\/|$)/;

/**
 * True when no upstream normalisation can read `path` as another path (see the module notes).
 *
 * @example isPlainPath('/tiles/1/2/3.png') // true
 * @example isPlainPath('/tiles/%2e%2e/admin') // false
 */
export function isPlainPath(path: string): boolean {
  return path.charCodeAt(0) === 47 /* / */ && !path.includes('\\') && !path.includes('//') && !RISKY_ESCAPE.test(path) && !DOT_SEGMENT.test(path);
}

/**
 * Checks a prefix as an operator types it; throws `INVALID_ARGUMENT` saying what is wrong.
 *
 * @example parsePathPrefix('/tiles/') // '/tiles/'
 */
export function parsePathPrefix(text: string): string {
  const shown = JSON.stringify(text.slice(0, 80));
  if (!/^\/[!$-;=@-~]*$/.test(text) || text.length > 512) {
    throw new MapsignError('INVALID_ARGUMENT', `The path prefix ${shown} must start with / and hold only the characters of a URL path (no ?, #, spaces or non-ASCII), up to 512 characters; e.g. /tiles/.`);
  }
  if (!isPlainPath(text)) {
    throw new MapsignError('INVALID_ARGUMENT', `The path prefix ${shown} has a dot segment, //, \\ or an escape of . / ; \\ or %; write the path as the upstream routes it, e.g. /tiles/.`);
  }
  return text;
}

/**
 * True when `path` (a plain path: check {@link isPlainPath} first) is under `prefix`.
 *
 * @example pathUnder('/tiles', '/tiles/1.png') // true
 * @example pathUnder('/tiles', '/tiles-private/1.png') // false
 */
export function pathUnder(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith('/') || path.length === prefix.length || path.charCodeAt(prefix.length) === 47;
}
