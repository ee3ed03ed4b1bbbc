/**
 * The registry of schemes by name.
 */
import type { SchemeName } from '../credential.js';
import { MapsignError } from '../errors.js';
import { google } from './google.js';
import { maptiler } from './maptiler.js';
import type { Scheme } from './scheme.js';
import { streetmaps } from './streetmaps.js';

/** Every scheme, by name. */
export const SCHEMES: Readonly<Record<SchemeName, Scheme>> = { google, streetmaps, maptiler };

/** Scheme names, in a stable order for help texts and menus. */
export const SCHEME_NAMES: readonly SchemeName[] = ['google', 'streetmaps', 'maptiler'];

/** The scheme called `name`; throws `UNKNOWN_SCHEME` for anything else. */
export function getScheme(name: unknown): Scheme {
  if (typeof name === 'string' && Object.hasOwn(SCHEMES, name)) return SCHEMES[name as SchemeName];
  throw new MapsignError('UNKNOWN_SCHEME', `Unknown scheme ${JSON.stringify(String(name)).slice(0, 40)}: use one of ${SCHEME_NAMES.join(', ')}.`);
}
