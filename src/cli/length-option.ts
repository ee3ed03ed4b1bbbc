/**
 * `--max-length N`, shared by `sign`, `verify` and `explain`: the longest URL accepted. The
 * default, 2048, is the limit of most map web services; some allow more (Google's Maps Static
 * API takes far longer URLs), so the limit is the caller's to raise.
 */
import { MAX_URL_LENGTH } from '../core/index.js';
import { UsageError } from './usage-error.js';

/** The `--max-length N` option. */
export const LENGTH_OPTIONS = {
  'max-length': { type: 'string', value: 'N', help: `longest URL accepted, signature included (default ${MAX_URL_LENGTH}; some services allow more)` },
} as const;

/**
 * The core's `maxLength` from `--max-length`; `undefined` (the core's default) when it is absent.
 *
 * @example signUrl(url, credential, { maxLength: maxLengthOption(values['max-length']) })
 */
export function maxLengthOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new UsageError(`--max-length takes a whole number of characters, e.g. --max-length 8192, not ${JSON.stringify(value.slice(0, 20))}.`);
  return Number(value);
}
