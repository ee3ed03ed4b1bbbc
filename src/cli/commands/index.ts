/**
 * The `mapsign` command registry: every subcommand, in the order `mapsign --help` lists them.
 * To add a command, import it and append it to the list — nothing else needs to change.
 */
import type { Command } from '../command.js';
import { keygen } from './keygen.js';

/** Every `mapsign` subcommand. */
export const COMMANDS: readonly Command[] = [
  keygen,
];
