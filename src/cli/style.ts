/**
 * Terminal styling: ANSI colours when the output is a terminal and `NO_COLOR` is unset
 * (https://no-color.org), plain text otherwise, so piped output and logs stay clean.
 * `--color always|never` decides outright; otherwise `FORCE_COLOR` (any value but `0` or
 * `false`) turns colour on even through a pipe and wins over `NO_COLOR`, as in Node itself.
 */
import type { CliIo } from './command.js';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from './usage-error.js';

/** Text styles; each returns its input unchanged when colour is off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

/** When to colour, as `--color` takes it. */
export type ColorWhen = 'auto' | 'always' | 'never';

/** The `--color WHEN` option. */
export const COLOR_OPTIONS = {
  color: { type: 'string', value: 'WHEN', help: 'auto (default: on a terminal), always or never; FORCE_COLOR=1 and NO_COLOR work too' },
} as const;

/**
 * The `--color` value, checked; a {@link UsageError} for anything else.
 *
 * @example colorOption(values.color) // 'auto' when absent
 */
export function colorOption(value: string | undefined): ColorWhen {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'always' || value === 'never') return value;
  throw new UsageError(`--color takes auto, always or never, not ${JSON.stringify(value.slice(0, 20))}.${didYouMean(value, ['auto', 'always', 'never'])}`);
}

function wantsColour(io: Pick<CliIo, 'stdout' | 'env'>, when: ColorWhen): boolean {
  if (when !== 'auto') return when === 'always';
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return io.stdout.isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
}

/**
 * The style for `io.stdout` (see the module comment for when it colours).
 *
 * @example const s = styleFor(io, colorOption(values.color)); io.stdout.write(s.red('invalid'))
 */
export function styleFor(io: Pick<CliIo, 'stdout' | 'env'>, when: ColorWhen = 'auto'): Style {
  const colour = wantsColour(io, when);
  if (!colour) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}
