/**
 * Warnings about URL bytes that browsers, HTTP clients, encoders or proxies tend to rewrite
 * between signing and the server — the usual reason a correct signature arrives broken.
 */
import { hasDotSegment } from './encoding/percent.js';
import type { HmacAlgorithm } from './hmac.js';
import { MAX_URL_LENGTH } from './limits.js';
import { signedUrlLength } from './signature.js';
import { hasParam } from './query-params.js';
import { authorityEnd, type RawUrl } from './url-parts.js';

/**
 * Stable warning codes.
 *
 * @example explainUrl(url).warnings.some((w) => w.code === 'PIPE_REWRITTEN')
 */
export type WarningCode =
  | 'URL_TOO_LONG'
  | 'SECRET_LENGTH'
  | 'RAW_SPACE'
  | 'NON_ASCII'
  | 'QUOTE_REWRITTEN'
  | 'PIPE_REWRITTEN'
  | 'ENCODER_DEPENDENT'
  | 'UNSAFE_ASCII'
  | 'BAD_PERCENT'
  | 'DOUBLE_ENCODING'
  | 'LOWERCASE_HEX'
  | 'DOT_SEGMENT'
  | 'FRAGMENT';

/**
 * One warning, with the 0-based positions in the URL it concerns.
 *
 * @example for (const { message, positions } of explainUrl(url).warnings) mark(positions, message)
 */
export interface UrlWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly positions: readonly number[];
}

interface Rule {
  readonly code: WarningCode;
  readonly pattern: RegExp;
  readonly message: string;
}

// Order is the order of the report: most likely to break a signature first.
const RULES: readonly Rule[] = [
  { code: 'RAW_SPACE', pattern: / /g, message: 'Raw spaces: clients send them as %20 (or refuse the URL), so the server sees other bytes. Encode spaces as + or %20 before signing.' },
  { code: 'NON_ASCII', pattern: /[^\x00-\x7f]/gu, message: 'Non-ASCII characters: clients send them percent-encoded as UTF-8. Percent-encode them (UTF-8) before signing.' },
  { code: 'QUOTE_REWRITTEN', pattern: /'/g, message: "An apostrophe ('): browsers and fetch() send it as %27 in a query. Write %27 before signing." },
  { code: 'PIPE_REWRITTEN', pattern: /\|/g, message: 'A pipe (|), common in Static Maps markers and paths: many clients and proxies send it as %7C. Write %7C before signing.' },
  { code: 'ENCODER_DEPENDENT', pattern: /[()!~*]/g, message: "Characters ( ) ! ~ *: some URL encoders escape them (%28 %29 %21 %7E %2A) and some don't; sign exactly what your HTTP client sends." },
  { code: 'UNSAFE_ASCII', pattern: /[\x00-\x1f\x7f"<>[\]{}\\^`]/g, message: 'Characters a URL may not carry raw (" < > [ ] { } \\ ^ ` or control characters): clients encode them. Percent-encode them before signing.' },
  { code: 'BAD_PERCENT', pattern: /%(?![0-9A-Fa-f]{2})/g, message: 'A % not followed by two hex digits: write a literal percent sign as %25.' },
  { code: 'DOUBLE_ENCODING', pattern: /%25[0-9A-Fa-f]{2}/g, message: 'Double encoding (%25 followed by hex, e.g. %2520): the value was percent-encoded twice. Encode user input once.' },
  { code: 'LOWERCASE_HEX', pattern: /%(?:[0-9a-f][a-f]|[a-f][0-9])/g, message: 'Lower-case percent-escapes: some clients and proxies upper-case them (%2f → %2F). Prefer upper-case hex.' },
];

function positionsOf(pattern: RegExp, text: string, offset: number): number[] {
  const positions: number[] = [];
  for (const match of text.matchAll(pattern)) positions.push(offset + match.index);
  return positions;
}

/**
 * Collects the warnings for `url`, split into `parts`; the length is checked against
 * `maxLength` as signed (an unsigned URL counted with the signature `algorithm` appends).
 *
 * @example collectWarnings(url, splitUrl(url, true), 'SHA-1').map((w) => w.code) // ['RAW_SPACE']
 */
export function collectWarnings(url: string, parts: RawUrl | undefined, algorithm: HmacAlgorithm, maxLength = MAX_URL_LENGTH): UrlWarning[] {
  const warnings: UrlWarning[] = [];
  const signed = parts?.query !== undefined && hasParam(parts.query, 'signature');
  const length = signed ? url.length : signedUrlLength(url.length, algorithm);
  if (length > maxLength) {
    const what = signed ? `The URL is ${url.length} characters` : `Signed, the URL would be at least ${length} characters`;
    const limit = maxLength === MAX_URL_LENGTH ? `${MAX_URL_LENGTH}, the limit of most map web services (some, such as Google's Maps Static API, allow more: raise maxLength, --max-length, for those)` : `${maxLength}, the limit set`;
    warnings.push({ code: 'URL_TOO_LONG', message: `${what}, over ${limit}.`, positions: [] });
  }
  const hash = url.indexOf('#');
  const beforeFragment = hash < 0 ? url : url.slice(0, hash);
  // Only what follows the origin is checked: hosts are validated when the URL is parsed.
  const offset = parts === undefined || parts.origin === '' ? 0 : authorityEnd(url);
  const tail = beforeFragment.slice(offset);
  for (const rule of RULES) {
    const positions = positionsOf(rule.pattern, tail, offset);
    if (positions.length > 0) warnings.push({ code: rule.code, message: rule.message, positions });
  }
  if (parts !== undefined && hasDotSegment(parts.path)) {
    warnings.push({ code: 'DOT_SEGMENT', message: 'The path has a . or .. segment: clients resolve it before sending, so the server sees another path.', positions: [] });
  }
  if (hash >= 0) {
    warnings.push({ code: 'FRAGMENT', message: 'A #fragment is never sent to the server, and a signature after # is lost. Remove the fragment.', positions: [hash] });
  }
  return warnings;
}
