/**
 * One way to open a store from what an operator types after `--db`: a file path selects the
 * embedded SQLite store, a `postgres://` or `postgresql://` URL the shared PostgreSQL store.
 * A gateway asks for `resilient`, so that losing the database never stops verification; the
 * CLI does not, so its commands fail plainly when the database is away.
 */
import type { MapsignStore } from './contract.js';
import { openPostgresStore } from './postgres.js';
import { describeUrl } from './postgres-support.js';
import { resilientStore, type ResilientOptions } from './resilient.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Wrap a networked store in `resilientStore` with these options (gateways). */
  readonly resilient?: ResilientOptions;
  /** Options for a SQLite file (ignored for PostgreSQL): `create: false` for read-only commands, a short `busyTimeoutMs` for gateways. */
  readonly sqlite?: SqliteStoreOptions;
}

/** True when `spec` names a PostgreSQL database rather than a file. */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(spec);
}

/**
 * `spec` as it is safe to print: a URL without its password, or the file path.
 *
 * @example describeStore('postgres://app:pw@db/mapsign') // 'postgres://app@db/mapsign'
 */
export function describeStore(spec: string): string {
  return isPostgresUrl(spec) ? describeUrl(spec) : spec;
}

/**
 * Opens the store `spec` names, running pending migrations.
 *
 * @example const store = await openStore(process.env.MAPSIGN_DB ?? './mapsign.db')
 * @example const store = await openStore('postgres://mapsign@db.internal/mapsign', { resilient: { log: warn } })
 * @example const store = await openStore('./mapsign.db', { sqlite: { create: false } }) // a missing file is an error
 */
export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<MapsignStore> {
  if (!isPostgresUrl(spec)) return openSqliteStore(spec, options.sqlite);
  const store = await openPostgresStore(spec);
  return options.resilient === undefined ? store : resilientStore(store, options.resilient);
}
