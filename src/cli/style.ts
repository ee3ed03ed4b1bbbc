/**
 * Terminal styling: ANSI colours when the output is a terminal and `NO_COLOR` is unset
 * (https://no-color.org), plain text otherwise, so piped output and logs stay clean.
 */
import type { CliIo } from './command.js';

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

/**
 * The style for `io.stdout`: colours on a terminal unless `NO_COLOR` is set (to anything non-empty).
 *
 * @example const s = styleFor(io); io.stdout.write(s.red('invalid'))
 */
export function styleFor(io: Pick<CliIo, 'stdout' | 'env'>): Style {
  const colour = io.stdout.isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
  if (!colour) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}
