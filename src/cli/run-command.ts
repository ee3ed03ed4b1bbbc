/**
 * Runs one command and turns whatever it throws into an exit status and one line on stderr:
 * a {@link UsageError} is status 2 with a pointer to `--help`; a `MapsignError` (bad credential
 * text, bad URL given as an argument) is status 2 with its code and message; anything else is
 * status 1 with its message only — never a stack trace, unless `MAPSIGN_DEBUG=1` asks for one.
 * `main.ts` uses it for every command, so commands may simply throw.
 */
import type { CliIo, Command } from './command.js';
import { isMapsignError } from '../index.js';
import { escapeTerminal } from './terminal-text.js';
import { reportUsageError, USAGE_EXIT, UsageError } from './usage.js';

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
    if (isMapsignError(error)) {
      io.stderr.write(`mapsign ${command.name}: ${error.code}: ${escapeTerminal(error.message)}\n`);
      return USAGE_EXIT;
    }
    if (io.env.MAPSIGN_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`mapsign ${command.name}: ${escapeTerminal(message)}\n`);
    return 1;
  }
}
