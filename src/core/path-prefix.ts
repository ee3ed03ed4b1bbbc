/**
 * Allowed path prefixes for a credential's `--allow-path`, and the one test that makes them
 * mean something: the path must be *plain*.
 *
 * The gateway forwards the request target byte for byte, and upstream servers normalise paths
 * in their own ways before routing: they resolve `.` and `..` segments (RFC 3986 §5.2.4),
 * decode `%2e`, `%2F` or `%5C` first, read `\` as `/` (IIS), merge `//`, cut a `;param` off a
 * segment (Tomcat's `..;/`), decode twice (`%252e`, and sloppy decoders `%%32%65` or `%2%65`),
 * read overlong UTF-8 (`%c0%ae`), compatibility forms (a fullwidth `．`) or `%u002e`, or trim
 * trailing dots and spaces from a name (Windows: `..%20`, `...`). Any of these could take
 * `/tiles/../admin` outside `/tiles/`. So a path-restricted credential only passes a path in
 * which no such reading is possible, and then a plain byte-prefix match on what is forwarded is
 * the match on what the upstream routes. A plain path
 * - starts with `/` and has no `\` and no empty segment (`//`);
 * - has every `%` followed by two hex digits, and escapes only what must be escaped: never an
 *   unreserved character (letters, digits, `-._~`, which RFC 3986 says are sent as they are),
 *   nor `/`, `\`, `;`, `%`, `?`, `#`, a control character or DEL;
 * - escapes bytes from 0x80 only as well-formed, shortest-form UTF-8, of characters that do not
 *   stand for `.`, `/` or `\` once normalised (NFKC);
 * - has no segment that is only dots and spaces once decoded (`.`, `..`, `...`, `.. `), with or
 *   without a `;param`.
 *
 * A prefix ending in `/` matches the paths that start with it; one without (`/tiles`) matches
 * that path exactly and the paths under it (`/tiles/…`), never `/tiles-private`.
 */
import { MapsignError } from './errors.js';

/** Bytes that must never arrive escaped: unreserved characters, path syntax, controls and DEL. */
function forbiddenEscape(byte: number): boolean {
  if (byte < 0x20 || byte === 0x7f) return true;
  const char = String.fromCharCode(byte);
  return /[A-Za-z0-9\-._~/\\;%?#]/.test(char);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when no reading of one segment (between `/`s, escapes and all) is path syntax. */
function isPlainSegment(segment: string): boolean {
  let decoded = segment;
  if (segment.includes('%')) {
    const bytes: number[] = [];
    for (let i = 0; i < segment.length; i++) {
      const code = segment.charCodeAt(i);
      if (code !== 37 /* % */) {
        bytes.push(code);
        continue;
      }
      const hex = segment.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return false;
      const byte = parseInt(hex, 16);
      if (forbiddenEscape(byte)) return false;
      bytes.push(byte);
      i += 2;
    }
    try {
      decoded = strictUtf8.decode(new Uint8Array(bytes));
    } catch {
      return false;
    }
    for (const char of decoded) if (char.charCodeAt(0) >= 0x80 && /[./\\]/.test(char.normalize('NFKC'))) return false;
  }
  const name = decoded.split(';', 1)[0]!;
  return !/^[. ]+$/.test(name);
}

/**
 * True when no upstream normalisation can read `path` as another path (see the module notes).
 *
 * @example isPlainPath('/tiles/1/2/3.png') // true
 * @example isPlainPath('/tiles/%2e%2e/admin') // false
 */
export function isPlainPath(path: string): boolean {
  if (path.charCodeAt(0) !== 47 /* / */ || path.includes('\\') || path.includes('//')) return false;
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) if (!isPlainSegment(segments[i]!)) return false;
  return true;
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
