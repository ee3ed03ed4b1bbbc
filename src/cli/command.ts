/**
 * The contract every `mapsign` subcommand implements.
 *
 * Commands receive their arguments and their standard streams instead of touching `process`,
 * and return an exit status instead of calling `process.exit`, so tests can run them in
 * process and the real binary is a thin adapter (`main.ts`). Exit statuses: 0 success,
 * 1 a URL or request failed (verification), 2 a usage error.
 */
import type { OptionSpec } from './args.js';

/** Standard streams and environment of one invocation. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One subcommand, e.g. `sign` or `serve`. */
export interface Command {
  readonly name: string;
  /** Its options, as `parseCommandArgs` takes them (`--help` is added); shell completion lists them. */
  readonly options: OptionSpec;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
