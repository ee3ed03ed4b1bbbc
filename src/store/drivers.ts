/**
 * The database drivers, loaded on first use. `better-sqlite3` (a native module that compiles
 * SQLite when no prebuilt binary fits) and `pg` are optional peer dependencies: installing
 * mapsign to sign and verify URLs must not build native code or pull a database driver, so
 * nothing imports them until a store is opened. A missing driver is a {@link StoreError}
 * `DRIVER_MISSING` whose message says exactly what to install, as knex and kysely do.
 *
 * Both drivers are CommonJS, so `require` loads them synchronously and `openSqliteStore` keeps
 * its synchronous signature.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { StoreError } from './errors.js';

/** The optional peer dependencies, with the ranges `package.json` declares for them. */
export const DRIVERS = {
  'better-sqlite3': { range: '^12.11.1', usedFor: 'a SQLite file (--db PATH)' },
  pg: { range: '^8.23.1', usedFor: 'PostgreSQL (--db postgres://…)' },
} as const;

/** A driver's package name. */
export type DriverName = keyof typeof DRIVERS;

const require = createRequire(import.meta.url);

function load<T>(name: DriverName): T {
  try {
    return require(name) as T;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.startsWith(`Cannot find module '${name}'`);
    if (!missing) throw error;
    const { range, usedFor } = DRIVERS[name];
    throw new StoreError(
      'DRIVER_MISSING',
      `The store for ${usedFor} needs the optional dependency ${name}, which is not installed: run npm install ${name}@${range} in the project that has mapsign (npm install -g ${name}@${range} for a global mapsign).`,
      { cause: error },
    );
  }
}

/**
 * The `better-sqlite3` constructor; throws `DRIVER_MISSING` when it is not installed.
 *
 * @example const db = new (sqliteDriver())('./mapsign.db')
 */
export function sqliteDriver(): typeof BetterSqlite3 {
  return load<typeof BetterSqlite3>('better-sqlite3');
}

/**
 * The `pg` module; throws `DRIVER_MISSING` when it is not installed.
 *
 * @example const pool = new (pgDriver().Pool)({ connectionString })
 */
export function pgDriver(): typeof pg {
  return load<typeof pg>('pg');
}
