/**
 * How `mapsign credentials` and `mapsign usage` open the database and report its errors, so both
 * agree: the path comes from `--db`, `$MAPSIGN_DB` or `./mapsign.db`; only a command that writes
 * a credential may create a missing SQLite file (anything else names the path it did not find,
 * so a typo never leaves an empty database behind).
 */
import type { CliIo } from './command.js';
import type { MapsignStore } from '../store/index.js';
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
 * Opens the store, runs `work` with it and closes it. A store error (a missing file included)
 * propagates to `runCommand`, which prints its code and gives the exit status every command
 * gives for it.
 *
 * @example return withCommandStore(io, { db: values.db, create: false }, async (store) => { … return 0 })
 */
export async function withCommandStore(io: CliIo, options: CommandStoreOptions, work: (store: MapsignStore) => Promise<number>): Promise<number> {
  const store = await openStore(resolveDbPath(options.db, io.env), { sqlite: { create: options.create } });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
