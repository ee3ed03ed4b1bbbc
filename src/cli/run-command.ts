/**
 * Runs one command: the preamble every command shares, then the command's `run`.
 *
 * In order: a secret in the arguments is refused (`args.ts`); `-h` or `--help` anywhere before
 * `--` prints the command's help (`help.ts`) and exits 0, whatever else the line holds, so a
 * user who mistyped an option still gets the help asked for; the arguments are parsed against
 * the command's options; for a command with `settings`, the environment and the config file
 * fill in what the line left out (`settings.ts`), and `--print-config` prints the outcome and
 * exits 0 (`settings-report.ts`); then `run` gets the values and the positionals (a usage
 * error about an option then says which variable or file set it).
 *
 * Whatever that throws becomes an exit status and one line on stderr: a {@link UsageError} is
 * status 2 with a pointer to `--help`; a `MapsignError` (bad credential text, bad URL given as
 * an argument) or a `StoreError` is printed with its code and message, with the status
 * {@link exitStatusFor} gives every command alike; anything else is status 1 with its message
 * only — never a stack trace, unless `MAPSIGN_DEBUG=1` asks for one. So commands may simply throw.
 */
import type { CliIo, Command, OptionSpec, OptionValues, SettingsSpec } from './command.js';
import { isMapsignError } from '../core/index.js';
import { isStoreError } from '../store/errors.js';
import { asksForHelp, parseCommandArgs, refuseSecretArguments } from './args.js';
import { renderHelp } from './help.js';
import { resolveSettings } from './settings.js';
import { renderSettings, withSettingSource } from './settings-report.js';
import { escapeTerminal } from './terminal-text.js';
import { reportUsageError, USAGE_EXIT, UsageError } from './usage-error.js';

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

/** `run` with the settings from every source, or `--print-config`'s answer. */
async function runWithSettings(command: Command, spec: SettingsSpec, flags: OptionValues<OptionSpec>, positionals: readonly string[], io: CliIo): Promise<number> {
  const settings = await resolveSettings(command, spec, flags, io);
  if (settings.values['print-config'] === true) {
    io.stdout.write(renderSettings(settings));
    return 0;
  }
  try {
    // Each value has its option's type, whatever its source: the shape parseArgs gives.
    return await command.run(settings.values as OptionValues<OptionSpec>, positionals, io);
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(withSettingSource(error.message, settings)) : error;
  }
}

/**
 * Runs `command` with `argv` (the arguments after its name) and returns its exit status,
 * reporting thrown errors on `io.stderr`.
 *
 * @example process.exitCode = await runCommand(sign, ['--scheme', 'google', url], io)
 */
export async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    refuseSecretArguments(argv);
    if (asksForHelp(argv)) {
      io.stdout.write(renderHelp(command));
      return 0;
    }
    const { values, positionals } = parseCommandArgs(argv, command.options);
    if (command.settings === undefined) return await command.run(values, positionals, io);
    return await runWithSettings(command, command.settings, values, positionals, io);
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
