/**
 * The contract every `mapsign` subcommand implements: a command is data — its name, its usage
 * line, its options with their help text, notes and examples — plus a `run` that receives the
 * parsed options. `runCommand` (`run-command.ts`) parses the arguments against the options,
 * answers `-h`/`--help` from the same data (`help.ts`) and reports errors, so no command parses
 * arguments or prints its own help.
 *
 * Commands receive their standard streams instead of touching `process`, and return an exit
 * status instead of calling `process.exit`, so tests can run them in process and the real
 * binary is a thin adapter (`main.ts`). Exit statuses: 0 success, 1 a URL or request failed
 * (verification), 2 a usage error.
 */

/** Standard streams and environment of one invocation. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One option: what `node:util` `parseArgs` needs, plus the line `--help` shows for it. */
export type OptionDef =
  | { readonly type: 'string'; readonly value: string; readonly short?: string | undefined; readonly multiple?: boolean | undefined; readonly help: string }
  | { readonly type: 'boolean'; readonly short?: string | undefined; readonly help: string };

/**
 * A command's options by long name (without `--`), in the order `--help` lists them. `value`
 * names a string option's argument (`--input FILE`); a `help` text with newlines continues
 * under the first line.
 */
export type OptionSpec = Readonly<Record<string, OptionDef>>;

/** Parsed option values: absent when not given; arrays for `multiple: true` options. */
export type OptionValues<O extends OptionSpec> = {
  readonly [K in keyof O]?: (O[K] extends { readonly type: 'boolean' } ? boolean : O[K] extends { readonly multiple: true } ? string[] : string) | undefined;
};

/**
 * How a command's options may also be set outside the command line (`settings.ts`): each in
 * the environment, as `envPrefix` and the option's name in capitals with `_` for `-`
 * (`--trust-proxy` → `MAPSIGN_TRUST_PROXY`), and in a JSON config file keyed by option name.
 */
export interface SettingsSpec {
  /** E.g. `MAPSIGN_`. */
  readonly envPrefix: string;
}

/** One subcommand, e.g. `sign` or `serve`. */
export interface Command<O extends OptionSpec = OptionSpec> {
  readonly name: string;
  /** What follows `mapsign NAME` on the usage line, e.g. `[URL ...] --scheme NAME [options]`. */
  readonly usage: string;
  /** What the command does, for `--help`: paragraphs separated by blank lines. */
  readonly description: string;
  /** Its options (`-h`/`--help` is every command's and not listed); shell completion lists them too. */
  readonly options: O;
  /** Paragraphs `--help` prints after the options. */
  readonly notes?: readonly string[] | undefined;
  /**
   * Set to take every option from the environment and a config file too (flag > environment >
   * file > default); the command then spreads `SETTINGS_OPTIONS` (`--config`, `--print-config`)
   * into its options, and `run` receives the values after all sources are applied.
   */
  readonly settings?: SettingsSpec | undefined;
  /** Command lines `--help` prints as examples, comments included. */
  readonly examples?: readonly string[] | undefined;
  /** Runs with the parsed options and the remaining arguments; resolves to the exit status. */
  run(values: OptionValues<O>, positionals: readonly string[], io: CliIo): Promise<number>;
}

/**
 * Declares a command: `run`'s values are typed from its options, and the result is a plain
 * {@link Command}, as the registry and `runCommand` take every command.
 *
 * @example
 * export const hello = defineCommand({
 *   name: 'hello', usage: '[--loud]', description: 'Say hello.',
 *   options: { loud: { type: 'boolean', help: 'in capitals' } },
 *   async run(values, positionals, io) { io.stdout.write(values.loud === true ? 'HELLO\n' : 'hello\n'); return 0 },
 * })
 */
export function defineCommand<const O extends OptionSpec>(command: Command<O>): Command {
  return command;
}
