/**
 * The registry of schemes: the one list of providers mapsign signs for. Every other list — the
 * `SchemeName` type, help texts, menus, completion, the stores' checks — derives from it.
 */
import { MapsignError } from '../errors.js';
import { google } from './google.js';
import { maptiler } from './maptiler.js';
import type { Scheme } from './scheme.js';
import { streetmaps } from './streetmaps.js';

/**
 * Scheme names, in a stable order for help texts and menus.
 *
 * @example SCHEME_NAMES.join(' | ') // 'google | streetmaps | maptiler'
 */
export const SCHEME_NAMES = ['google', 'streetmaps', 'maptiler'] as const;

/**
 * The providers mapsign signs for.
 *
 * @example const scheme: SchemeName = 'maptiler'
 */
export type SchemeName = (typeof SCHEME_NAMES)[number];

/** Every scheme, by name; the type makes it list each name exactly once. */
/**
 * The scheme names as a sentence lists them, for messages.
 *
 * @example SCHEME_LIST // 'google, streetmaps or maptiler'
 */
export const SCHEME_LIST = `${SCHEME_NAMES.slice(0, -1).join(', ')} or ${SCHEME_NAMES[SCHEME_NAMES.length - 1]!}`;

const SCHEMES: Readonly<Record<SchemeName, Scheme>> = { google, streetmaps, maptiler };

/**
 * True when `value` names a scheme.
 *
 * @example isSchemeName('maptiler') // true
 */
export function isSchemeName(value: unknown): value is SchemeName {
  return typeof value === 'string' && Object.hasOwn(SCHEMES, value);
}

/**
 * The scheme called `name`; throws `UNKNOWN_SCHEME` for anything else.
 *
 * @example getScheme('maptiler').algorithm // 'SHA-256'
 */
export function getScheme(name: unknown): Scheme {
  if (isSchemeName(name)) return SCHEMES[name];
  throw new MapsignError('UNKNOWN_SCHEME', `Unknown scheme ${JSON.stringify(String(name)).slice(0, 40)}: use one of ${SCHEME_NAMES.join(', ')}.`);
}
