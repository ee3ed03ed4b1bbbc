/**
 * `mapsign/store`: the contract, the SQLite and PostgreSQL implementations, `openStore` (which
 * picks one from a `--db` value), the resilient wrapper for gateways, and the credential
 * operations (create, update, rotate, revoke, each audited) the CLI and the admin API use, for
 * your own automation.
 *
 * @example
 * import { openStore } from 'mapsign/store'
 * const store = await openStore(process.env.MAPSIGN_DB ?? './mapsign.db')
 */
export type { ControlChanges, CredentialControls, RateLimit, RatePeriod } from '../core/credential-controls.js';
export type { AuditAction, AuditActor, AuditEntry, AuditQuery, CredentialChanges, CredentialInfo, MapsignStore, NewCredential, SecretInfo, UsageDelta, UsageGrouping, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
export { MAX_AUDIT_LIMIT } from './contract.js';
export { osUser, type AuditContext } from './audit-trail.js';
export { controlChangesInput, controlsInput, createCredential, credentialInput, DEFAULT_OVERLAP_MS, revokeCredential, rotateCredential, updateCredential, type CreateOptions, type IssuedSecret, type RevokeOptions, type RotateOptions } from './credential-ops.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { openStore, type OpenStoreOptions } from './open.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
export { resilientStore, type ResilientOptions, type ResilientStore, type StoreHealth } from './resilient.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { DEFAULT_MAX_CHANNELS, OTHER_CHANNEL } from './usage-channels.js';
