/**
 * Argument parsing for `mapsign` commands, on `node:util` `parseArgs` (strict: an unknown
 * option is a {@link UsageError} with the nearest known option, never silently ignored).
 *
 * It also refuses a secret on the command line before anything else looks at the arguments:
 * process arguments show in `ps`, `/proc/PID/cmdline` and shell history, so `--secret VALUE`
 * is rejected with the alternatives, and the value is never repeated in the message.
 * `runCommand` calls these for every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { OptionSpec, OptionValues } from './command.js';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from './usage-error.js';

/** What to say instead of accepting a secret in the arguments. */
export const SECRET_SOURCES_HINT =
  'set MAPSIGN_SECRET in the environment, pass --secret-file PATH, or leave both out to be asked on the terminal';

/** One option as `parseArgs` takes it. */
type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

const SECRET_FLAGS = /^--(?:secret|token|password|private-key)(?:=|$)/;

/** Throws a {@link UsageError} when `argv` tries to pass a secret (`--secret`, `--token`, …) directly. */
export function refuseSecretArguments(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const flag = SECRET_FLAGS.exec(arg);
    if (flag !== null) {
      const name = flag[0].replace(/=$/, '');
      throw new UsageError(`${name} is refused: a secret in the command line shows in ps and shell history; ${SECRET_SOURCES_HINT}.`);
    }
  }
}

/**
 * True when `argv` asks for help: `-h` or `--help` anywhere before `--`. An option's value can
 * never be `-h` here, because `parseArgs` refuses a value that starts with `-` unless it is
 * attached with `=`.
 *
 * @example asksForHelp(['--scheme', 'google', '--help']) // true
 */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '-h' || arg === '--help');
}

/** What {@link parseCommandArgs} returns. */
export interface ParsedCommandArgs<O extends OptionSpec> {
  readonly values: OptionValues<O>;
  readonly positionals: string[];
}

/**
 * The spec as `parseArgs` takes it: only its own fields (`value` and `help` are for `--help`),
 * and `short` and `multiple` only when set, since `parseArgs` rejects a field that is present
 * but `undefined`.
 */
function parseArgsOptions(options: OptionSpec): Record<string, ParseArgsOption> {
  const config: Record<string, ParseArgsOption> = {};
  for (const [name, def] of Object.entries(options)) {
    const option: ParseArgsOption = { type: def.type };
    if (def.short !== undefined) option.short = def.short;
    if (def.type === 'string' && def.multiple === true) option.multiple = true;
    config[name] = option;
  }
  return config;
}

/**
 * Parses `argv` against `options`.
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { scheme: { type: 'string', value: 'NAME', help: '…' } })
 */
export function parseCommandArgs<O extends OptionSpec>(argv: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    // parseArgs' result type cannot be named from a spec built at run time; OptionValues is its shape.
    return parseArgs({ args: [...argv], options: parseArgsOptions(options), allowPositionals: true, strict: true }) as ParsedCommandArgs<O>;
  } catch (error) {
    // parseArgs errors name the option and what was wrong; its advice about `--` is noise here.
    const message = error instanceof Error ? error.message.split('. To specify')[0]! : String(error);
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^'=]*)/.exec(message)?.[1] : undefined;
    const hint = unknown === undefined ? '' : didYouMean(unknown, [...Object.keys(options), 'help'].map((name) => `--${name}`));
    throw new UsageError(`${message.replace(/\.$/, '')}.${hint}`);
  }
}
