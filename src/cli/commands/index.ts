/**
 * The `mapsign` command registry: every subcommand, in the order `mapsign --help` lists them.
 * To add a command, append one line `{ name, load: () => import('./x.js').then((m) => m.x) }`.
 *
 * Commands are loaded on first use: `mapsign sign` streaming millions of URLs should not carry
 * the gateway's SQLite and HTTP modules in memory (they cost it about 12 MB of RSS).
 */
import type { Command } from '../command.js';

/** A registered command, loaded when it is run (or listed by `mapsign --help`). */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

/** Every `mapsign` subcommand. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'sign', load: () => import('./sign.js').then((m) => m.sign) },
  { name: 'verify', load: () => import('./verify.js').then((m) => m.verify) },
  { name: 'explain', load: () => import('./explain.js').then((m) => m.explain) },
  { name: 'keygen', load: () => import('./keygen.js').then((m) => m.keygen) },
  { name: 'serve', load: () => import('./serve.js').then((m) => m.serve) },
  { name: 'credentials', load: () => import('./credentials.js').then((m) => m.credentials) },
  { name: 'usage', load: () => import('./usage.js').then((m) => m.usage) },
];
