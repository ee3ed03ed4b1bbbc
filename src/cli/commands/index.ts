/**
 * The `mapsign` command registry: every subcommand, in the order `mapsign --help` lists them,
 * with the one-line summary that list shows. A command's other data — options, help, `run` —
 * is in its own module, loaded on first use. To add a command, append one line
 * `{ name, summary, load: () => import('./x.js').then((m) => m.x) }`.
 *
 * Loading on first use matters: `mapsign sign` streaming millions of URLs should not carry
 * the gateway's SQLite and HTTP modules in memory (they cost it about 12 MB of RSS), and
 * `mapsign --help`, `sign`, `verify`, `explain` and `keygen` never load a database driver (an
 * optional dependency that may not be installed).
 */
import type { Command } from '../command.js';

/** A registered command, loaded only when it is run. */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list in `mapsign --help`, which loads no command. */
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every `mapsign` subcommand. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sign', summary: 'sign URLs (arguments, or one per line from a file or stdin)', load: () => import('./sign.js').then((m) => m.sign) },
  { name: 'verify', summary: 'check signed URLs: valid, or the reason and what to do', load: () => import('./verify.js').then((m) => m.verify) },
  { name: 'explain', summary: 'explain why a signed URL is or is not valid', load: () => import('./explain.js').then((m) => m.explain) },
  { name: 'keygen', summary: "print a new credential in the provider's format", load: () => import('./keygen.js').then((m) => m.keygen) },
  { name: 'serve', summary: 'run the verifying gateway in front of a map service', load: () => import('./serve.js').then((m) => m.serve) },
  { name: 'sign-server', summary: 'serve signatures for the requests a policy allows, so browsers never hold the secret', load: () => import('./sign-server.js').then((m) => m.signServer) },
  { name: 'credentials', summary: 'create, list, show, rotate or revoke gateway credentials', load: () => import('./credentials.js').then((m) => m.credentials) },
  { name: 'usage', summary: 'print gateway request counts per client, channel or day', load: () => import('./usage.js').then((m) => m.usage) },
  { name: 'audit', summary: 'print the audit trail of credential changes and failed admin logins', load: () => import('./audit.js').then((m) => m.audit) },
  { name: 'completion', summary: 'print shell completion for bash, zsh or fish', load: () => import('./completion.js').then((m) => m.completion) },
];
