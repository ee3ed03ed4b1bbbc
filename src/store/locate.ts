/**
 * Where the commands find the database: `--db PATH`, else `$MAPSIGN_DB`, else `./mapsign.db`,
 * so `mapsign serve` and `mapsign credentials` run side by side agree without extra flags.
 */

/** The default database file, relative to the working directory. */
export const DEFAULT_DB = './mapsign.db';

/**
 * The database path for a command.
 *
 * @example resolveDbPath(values.db, io.env) // './mapsign.db'
 */
export function resolveDbPath(option: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return option ?? (env['MAPSIGN_DB'] || DEFAULT_DB);
}
