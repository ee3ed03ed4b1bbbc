/**
 * How `mapsign credentials` and `mapsign usage` open the database and report its errors, so both
 * agree: the path comes from `--db`, `$MAPSIGN_DB` or `./mapsign.db`; only a command that writes
 * a credential may create a missing SQLite file (anything else names the path it did not find,
 * so a typo never leaves an empty database behind); and a store error is one line with its code,
 * escaped for the terminal, exit status 2 for bad input (a wrong path included) and 1 otherwise.
 */
import type { CliIo } from './command.js';
import { escapeTerminal } from './terminal-text.js';
import { isStoreError, type MapsignStore } from '../store/index.js';
import { resolveDbPath } from '../store/locate.js';
import { openStore } from '../store/open.js';

/** Options for {@link withCommandStore}. */
export interface CommandStoreOptions {
  /** The `--db` value, if given. */
  readonly db: string | undefined;
  /** Whether a missing SQLite file may be created (`credentials create` only). */
  readonly create: boolean;
}

/**
 * Opens the store, runs `work` with it, closes it; returns `work`'s exit status, or reports a
 * store error on stderr and returns 2 (`INVALID_INPUT`) or 1.
 *
 * @example return withCommandStore(io, 'usage', { db: values.db, create: false }, async (store) => { … return 0 })
 */
export async function withCommandStore(io: CliIo, command: string, options: CommandStoreOptions, work: (store: MapsignStore) => Promise<number>): Promise<number> {
  let store: MapsignStore;
  try {
    store = await openStore(resolveDbPath(options.db, io.env), { sqlite: { create: options.create } });
  } catch (error) {
    return report(io, command, error);
  }
  try {
    return await work(store);
  } catch (error) {
    return report(io, command, error);
  } finally {
    await store.close();
  }
}

function report(io: CliIo, command: string, error: unknown): number {
  if (!isStoreError(error)) throw error;
  io.stderr.write(`mapsign ${command}: ${error.code}: ${escapeTerminal(error.message)}\n`);
  return error.code === 'INVALID_INPUT' ? 2 : 1;
}
