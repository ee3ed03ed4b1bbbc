/**
 * Argument parsing for `mapsign` commands, on `node:util` `parseArgs` (strict: an unknown
 * option is a {@link UsageError}, never silently ignored).
 *
 * It also refuses a secret on the command line before anything else looks at the arguments:
 * process arguments show in `ps`, `/proc/PID/cmdline` and shell history, so `--secret VALUE`
 * is rejected with the alternatives, and the value is never repeated in the message.
 * Reusable by every command (the gateway's too): `parseCommandArgs(argv, options)`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage.js';

/** Option definitions, as `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What to say instead of accepting a secret in the arguments. */
export const SECRET_SOURCES_HINT =
  'set MAPSIGN_SECRET in the environment, pass --secret-file PATH, or leave both out to be asked on the terminal';

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

type ValueOf<T> = T extends { readonly type: 'boolean' } ? boolean : string;

/** Parsed option values: absent when not given; arrays for `multiple: true` options. */
export type OptionValues<O extends OptionSpec> = {
  readonly [K in keyof O]?: O[K] extends { readonly multiple: true } ? ValueOf<O[K]>[] : ValueOf<O[K]>;
} & { readonly help?: boolean };

/** What {@link parseCommandArgs} returns. */
export interface ParsedCommandArgs<O extends OptionSpec> {
  readonly values: OptionValues<O>;
  readonly positionals: string[];
}

/**
 * Parses `argv` against `options` (plus `--help`), refusing secrets in the arguments.
 *
 * @example
 * const { values, positionals } = parseCommandArgs(argv, { scheme: { type: 'string' } })
 */
export function parseCommandArgs<O extends OptionSpec>(argv: readonly string[], options: O): ParsedCommandArgs<O> {
  refuseSecretArguments(argv);
  const config = { args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true } as const;
  try {
    // parseArgs' own result type cannot be named in our declarations; OptionValues is the same shape.
    return parseArgs(config) as ParsedCommandArgs<O>;
  } catch (error) {
    // parseArgs errors name the option and what was wrong; its advice about `--` is noise here.
    const message = error instanceof Error ? error.message.split('. To specify')[0]! : String(error);
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^'=]*)/.exec(message)?.[1] : undefined;
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(config.options).map((name) => `--${name}`));
    throw new UsageError(`${message.replace(/\.$/, '')}.${hint}`);
  }
}

/** The value of a string option that may be given once; `undefined` when absent. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
