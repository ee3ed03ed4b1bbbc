/**
 * `mapsign/store`: the contract, the SQLite and PostgreSQL implementations, `openStore` (which
 * picks one from a `--db` value), the resilient wrapper for gateways, and the operations the
 * CLI and the admin API share.
 *
 * @example
 * import { openStore } from 'mapsign/store'
 * const store = await openStore(process.env.MAPSIGN_DB ?? './mapsign.db')
 */
export type { CredentialInfo, MapsignStore, NewCredential, SecretInfo, UsageDelta, UsageGrouping, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
export { createCredential, credentialInput, DEFAULT_OVERLAP_MS, rotateCredential, type CreateOptions, type IssuedSecret } from './credential-ops.js';
export { MAX_OVERLAP_MS, MAX_TIMER_MS, parseDuration, type DurationBounds } from './duration.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { describeStore, isPostgresUrl, openStore, type OpenStoreOptions } from './open.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
export { resilientStore, type ResilientOptions, type ResilientStore, type StoreHealth } from './resilient.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { DEFAULT_MAX_CHANNELS, OTHER_CHANNEL } from './usage-channels.js';
export { buildUsageReport, isFailureOutcome, type UsageReportLine } from './usage-report.js';
