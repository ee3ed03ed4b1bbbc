/**
 * Usage errors: what every `mapsign` command reports when it was called wrongly (unknown
 * option, missing secret, unreadable file). They exit with status 2 and a one-line message that
 * says what to do, followed by a pointer to `--help`. Any command may throw a
 * {@link UsageError} anywhere inside `run`; `runCommand` reports it with {@link reportUsageError}.
 * An option the store's parsers read (a duration, a day, a time) goes through {@link asUsageError}.
 */
import { isStoreError } from '../store/errors.js';
import type { CliIo } from './command.js';
import { escapeTerminal } from './terminal-text.js';

/** Exit status of a usage error (the contract in `command.ts`). */
export const USAGE_EXIT = 2;

/**
 * The command was called wrongly. The message must say what to do and never contain a secret.
 *
 * @example throw new UsageError('--scheme is required: pass --scheme google, streetmaps or maptiler.')
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * `parse()`, with a store input error (a bad duration, day or time typed as an option) thrown
 * as a {@link UsageError} with the parser's message; any other error as it is.
 *
 * @example const drainMs = asUsageError(() => parseDuration(values.drain, '--drain'))
 */
export function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isStoreError(error, 'INVALID_INPUT')) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Prints `mapsign CMD: message` and a hint to `mapsign CMD --help` on stderr; returns exit status 2.
 *
 * @example return reportUsageError(io, 'sign', 'Give at most one --input.')
 */
export function reportUsageError(io: Pick<CliIo, 'stderr'>, command: string | undefined, message: string): number {
  const prefix = command === undefined ? 'mapsign' : `mapsign ${command}`;
  // Messages quote what was typed, which may hold terminal controls: escaped here, once for all.
  io.stderr.write(`${prefix}: ${escapeTerminal(message)}\nRun '${prefix} --help' for usage.\n`);
  return USAGE_EXIT;
}
