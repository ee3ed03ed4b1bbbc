/**
 * The `--scheme` option shared by every command that deals with one provider: validated
 * against the core's scheme registry, with the valid names in the error.
 */
import { isMapsignError } from '../core/errors.js';
import { getScheme, SCHEME_NAMES } from '../core/schemes/index.js';
import type { Scheme } from '../core/schemes/scheme.js';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from './usage-error.js';

/** The `--scheme NAME` option. */
export const SCHEME_OPTIONS = { scheme: { type: 'string', value: 'NAME', help: SCHEME_NAMES.join(' | ') } } as const;

/**
 * The scheme named by `--scheme`; `undefined` when absent and not required.
 *
 * @example const scheme = schemeOption(values.scheme, true) // throws UsageError when missing
 */
export function schemeOption(value: string | undefined, required: true): Scheme;
export function schemeOption(value: string | undefined, required: boolean): Scheme | undefined;
export function schemeOption(value: string | undefined, required: boolean): Scheme | undefined {
  if (value === undefined) {
    if (required) throw new UsageError(`--scheme is required: pass --scheme ${SCHEME_NAMES.join(', --scheme ')}.`);
    return undefined;
  }
  try {
    return getScheme(value);
  } catch (error) {
    if (isMapsignError(error, 'UNKNOWN_SCHEME')) throw new UsageError(`${error.message}${didYouMean(value, SCHEME_NAMES)}`);
    throw error;
  }
}
