/**
 * `--max-length N`, shared by `sign`, `verify` and `explain`: the longest URL accepted. The
 * default, 2048, is the limit of most map web services; some allow more (Google's Maps Static
 * API takes far longer URLs), so the limit is the caller's to raise.
 */
import { MAX_URL_LENGTH } from '../index.js';
import { UsageError } from './usage.js';

/** Options for `parseCommandArgs`. */
export const LENGTH_OPTIONS = { 'max-length': { type: 'string' } } as const;

/** Help text for {@link LENGTH_OPTIONS}. */
export const LENGTH_HELP = `--max-length N     longest URL accepted, signature included (default ${MAX_URL_LENGTH}; some services allow more)`;

/**
 * The `maxLength` option for the core from `--max-length`; `{}` when it is absent.
 *
 * @example signUrl(url, credential, { ...maxLengthOption(values['max-length']) })
 */
export function maxLengthOption(value: unknown): { maxLength?: number } {
  if (value === undefined) return {};
  const text = String(value);
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new UsageError(`--max-length takes a whole number of characters, e.g. --max-length 8192, not ${JSON.stringify(text.slice(0, 20))}.`);
  return { maxLength: Number(text) };
}
