/**
 * Runs one command and turns whatever it throws into an exit status and one line on stderr:
 * a {@link UsageError} is status 2 with a pointer to `--help`; a `MapsignError` (bad credential
 * text, bad URL given as an argument) or a `StoreError` is printed with its code and message,
 * with the status {@link exitStatusFor} gives every command alike; anything else is status 1
 * with its message only — never a stack trace, unless `MAPSIGN_DEBUG=1` asks for one.
 * `main.ts` uses it for every command, so commands may simply throw.
 */
import type { CliIo, Command } from './command.js';
import { isMapsignError } from '../index.js';
import { isStoreError } from '../store/errors.js';
import { escapeTerminal } from './terminal-text.js';
import { reportUsageError, USAGE_EXIT, UsageError } from './usage.js';

/**
 * The exit status for a coded error, the same in every command: 2 when the command must be
 * called (or installed) differently — bad input, a missing optional driver — and 1 when the
 * operation failed on valid input (the database is away, the credential does not exist).
 *
 * @example exitStatusFor(new StoreError('DRIVER_MISSING', '…')) // 2
 */
export function exitStatusFor(error: unknown): number {
  if (isMapsignError(error)) return USAGE_EXIT;
  if (isStoreError(error)) return error.code === 'INVALID_INPUT' || error.code === 'DRIVER_MISSING' ? USAGE_EXIT : 1;
  return 1;
}

/**
 * Runs `command` with `argv` and returns its exit status, reporting thrown errors on `io.stderr`.
 *
 * @example process.exitCode = await runCommand(sign, ['--scheme', 'google', url], io)
 */
export async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await command.run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, command.name, error.message);
    if (isMapsignError(error) || isStoreError(error)) {
      io.stderr.write(`mapsign ${command.name}: ${error.code}: ${escapeTerminal(error.message)}\n`);
      return exitStatusFor(error);
    }
    if (io.env.MAPSIGN_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mapsign ${command.name}: ${escapeTerminal(message)}\n`);
    return 1;
  }
}
