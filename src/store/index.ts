/**
 * The store's entry point: the contract, the SQLite implementation and the operations the CLI
 * and the admin API share.
 */
export type { CredentialInfo, MapsignStore, NewCredential, SecretInfo, UsageDelta, UsageGrouping, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
export { createCredential, credentialInput, DEFAULT_OVERLAP_MS, rotateCredential, type CreateOptions, type IssuedSecret } from './credential-ops.js';
export { parseDuration } from './duration.js';
export { isStoreError, StoreError, type StoreErrorCode } from './errors.js';
export { openSqliteStore } from './sqlite.js';
export { buildUsageReport, isFailureOutcome, type UsageReportLine } from './usage-report.js';
