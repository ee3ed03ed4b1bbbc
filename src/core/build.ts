/**
 * Builds a URL from a base and parameters, treating every value literally.
 *
 * User input such as `5th&Main St.` or `上海+中國` must never be pasted into a query
 * (Streetmaps, "Dev: SM: V2 Authentication", Building a Valid URL): each name and value is
 * percent-encoded as UTF-8, with spaces written as `+` or `%20` as the caller chooses. Signing then adds the identity and signature and enforces the length limit
 * including the signature.
 */
import { encodeLiteral, encodeUnsendable, type SpaceEncoding } from './encoding/percent.js';
import { MapsignError } from './errors.js';
import { MAX_URL_LENGTH } from './limits.js';
import { joinUrl, splitUrl } from './url-parts.js';

/**
 * A parameter value; arrays repeat the parameter, `undefined` leaves it out.
 *
 * @example buildUrl(base, { markers: ['a', 'b'], scale: 2, style: undefined }, { space: 'plus' }) // markers twice, no style
 */
export type ParamValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

/**
 * Parameters in order: an object, or name/value pairs.
 *
 * @example buildUrl(base, [['markers', 'a'], ['markers', 'b']], { space: 'plus' }) // or { center: '0,0', size: '600x300' }
 */
export type ParamsInput = Readonly<Record<string, ParamValue>> | Iterable<readonly [string, ParamValue]>;

/**
 * Options for {@link buildUrl}.
 *
 * @example buildUrl(base, params, { space: 'percent', maxLength: 8192 })
 */
export interface BuildOptions {
  /** How a space is written: `'plus'` (`+`) or `'percent'` (`%20`). Required: it is a choice. */
  readonly space: SpaceEncoding;
  /** Longest URL allowed; default 2048. */
  readonly maxLength?: number | undefined;
}

function pairsOf(params: ParamsInput): Iterable<readonly [string, ParamValue]> {
  return Symbol.iterator in params ? (params as Iterable<readonly [string, ParamValue]>) : Object.entries(params);
}

/**
 * Appends literally-encoded parameters to `base`.
 *
 * @example
 * buildUrl('https://maps.googleapis.com/maps/api/geocode/json', { address: '5th&Main St.' }, { space: 'plus' })
 * // 'https://maps.googleapis.com/maps/api/geocode/json?address=5th%26Main+St.'
 */
export function buildUrl(base: string, params: ParamsInput, options: BuildOptions): string {
  if (options?.space !== 'plus' && options?.space !== 'percent') {
    throw new MapsignError('INVALID_ARGUMENT', "Choose how spaces are written: { space: 'plus' } for + or { space: 'percent' } for %20.");
  }
  const parts = splitUrl(base, true);
  if (parts.fragment !== undefined) {
    throw new MapsignError('FRAGMENT_NOT_ALLOWED', 'The base URL has a #fragment, which is never sent to the server; remove it.');
  }
  const encoded: string[] = parts.query === undefined || parts.query === '' ? [] : [encodeUnsendable(parts.query)];
  for (const [name, value] of pairsOf(params)) {
    if (typeof name !== 'string' || name === '') throw new MapsignError('INVALID_ARGUMENT', 'Every parameter needs a non-empty name.');
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) encoded.push(`${encodeLiteral(name, options.space)}=${encodeLiteral(String(item), options.space)}`);
  }
  const url = joinUrl({ origin: parts.origin, path: encodeUnsendable(parts.path), query: encoded.length === 0 ? undefined : encoded.join('&') });
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  if (url.length > maxLength) {
    throw new MapsignError('URL_TOO_LONG', `The URL would be ${url.length} characters, over the limit of ${maxLength}; send fewer or shorter parameters.`);
  }
  return url;
}
