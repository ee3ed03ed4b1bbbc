#!/usr/bin/env node
/**
 * The `mapsign` binary: finds the subcommand in the registry (`commands/index.ts`) and runs it
 * with the process's streams, then sets the exit status. Global `--help` and `--version` live
 * here; an unknown command is a usage error (status 2). This is the only CLI module that
 * touches `process`: commands get their streams and environment injected (`command.ts`).
 */
import { readFileSync } from 'node:fs';
import type { CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { runCommand } from './run-command.js';
import { didYouMean } from '../core/suggest.js';
import { reportUsageError } from './usage-error.js';
import { SCHEME_NAMES } from '../core/schemes/index.js';

function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: mapsign COMMAND [options]

Sign, verify and explain signed URLs for map web services (${SCHEME_NAMES.join(', ')}).

Commands:
${list}

Options:
  -h, --help      show this help (or 'mapsign COMMAND --help' for one command)
  -v, --version   print the version

Secrets are read from MAPSIGN_SECRET, from --secret-file PATH, or asked for on the terminal;
never pass a secret as an argument.

Examples:
  export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='
  mapsign sign --scheme google --client clientID 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York'
  mapsign verify --scheme google < signed-urls.txt
  mapsign explain 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=…'
`;
}

/**
 * Runs `mapsign` with `argv` (the arguments after the program name); resolves to the exit status.
 *
 * @example process.exitCode = await main(process.argv.slice(2), io)
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || (first === 'help' && rest.length === 0)) {
    (first === undefined ? io.stderr : io.stdout).write(overview());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const helpFor = first === 'help' ? rest[0] : undefined;
  const name = helpFor ?? first;
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    const names = COMMANDS.map((c) => c.name);
    const what = name.startsWith('-') ? `Unknown option ${JSON.stringify(name)}` : `Unknown command ${JSON.stringify(name)}`;
    const hint = name.startsWith('-') ? didYouMean(name, ['--help', '--version']) : didYouMean(name, names);
    return reportUsageError(io, undefined, `${what}; the commands are ${names.join(', ')}.${hint}`);
  }
  return runCommand(await entry.load(), helpFor === undefined ? rest : ['--help'], io);
}

const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
// A closed pipe downstream (`mapsign sign … | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`mapsign: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});
try {
  process.exitCode = await main(process.argv.slice(2), io);
  // `serve` has closed everything it owns within its drain deadline; a socket to a database
  // that froze mid-query must not keep the finished process alive.
  if (process.argv[2] === 'serve') setTimeout(() => process.exit(), 250).unref();
} catch (error) {
  // Commands' own errors are handled by runCommand; this is a failure to load one.
  process.stderr.write(`mapsign: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
