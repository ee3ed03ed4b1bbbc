/**
 * The `mapsign` command registry: every subcommand, in the order `mapsign --help` lists them.
 * To add a command, import it and append it to the list — nothing else needs to change.
 */
import type { Command } from '../command.js';
import { credentials } from './credentials.js';
import { explain } from './explain.js';
import { keygen } from './keygen.js';
import { serve } from './serve.js';
import { sign } from './sign.js';
import { usage } from './usage.js';
import { verify } from './verify.js';

/** Every `mapsign` subcommand. */
export const COMMANDS: readonly Command[] = [
  sign,
  verify,
  explain,
  keygen,
  serve,
  credentials,
  usage,
];
