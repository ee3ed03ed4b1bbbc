/**
 * The store contract: what the gateway, the CLI and the admin API need from a database.
 *
 * Credentials (with every secret and its expiry, so a rotation can overlap), revocation, usage
 * counters written in batches, an append-only audit trail of admin actions, and a cheap change
 * marker the gateway polls to refresh its in-memory credential cache. Every method is asynchronous so that a networked database
 * (PostgreSQL) implements the same interface; the SQLite implementation and any
 * other run the same shared suite (`test/store/store-suite.ts`).
 */
import type { SchemeName } from '../core/credential.js';
import type { ControlChanges, CredentialControls } from '../core/credential-controls.js';

/** One secret of a credential, without its text (safe to list and print). */
export interface SecretInfo {
  /** 1 for the first secret, +1 per rotation. */
  readonly version: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** When the secret stops verifying (end of a rotation overlap); `null` while current. */
  readonly expiresAt: number | null;
}

/** A credential as listed: never any secret text. */
export interface CredentialInfo {
  readonly id: string;
  readonly scheme: SchemeName;
  readonly label: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** Last change by {@link MapsignStore.updateCredential}, or `null`. */
  readonly updatedAt: number | null;
  /** Restrictions and limits; `{}` for none. */
  readonly controls: CredentialControls;
  /** Newest first. */
  readonly secrets: readonly SecretInfo[];
}

/** A credential with the text of every secret still valid at load time, for the verifier cache. */
export interface VerifierRecord {
  readonly id: string;
  readonly scheme: SchemeName;
  readonly revoked: boolean;
  /** Restrictions and limits the gateway enforces; `{}` for none. */
  readonly controls: CredentialControls;
  /** Secret text as issued (base64url or hex), newest first. */
  readonly secrets: readonly { readonly text: string; readonly expiresAt: number | null }[];
}

/** A new credential to insert. */
export interface NewCredential {
  readonly id: string;
  readonly scheme: SchemeName;
  readonly label: string | null;
  readonly secretText: string;
  readonly createdAt: number;
  /** Restrictions and limits; none when absent. */
  readonly controls?: CredentialControls | undefined;
}

/** What {@link MapsignStore.updateCredential} changes; absent fields keep their value. */
export interface CredentialChanges {
  /** A new label, or `null` to remove it. */
  readonly label?: string | null | undefined;
  readonly controls?: ControlChanges | undefined;
}

/** How one request ended, for usage counting. */
export interface UsageDelta {
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /**
   * UTC hour of the day, 0–23, for `--by hour`. The gateway always sets it; counts without one
   * go to the daily totals only.
   */
  readonly hour?: number | undefined;
  /** The credential, or `''` when the request named none the gateway knows. */
  readonly credentialId: string;
  /** The channel of a verified request, or `''`. */
  readonly channel: string;
  /** `ok`, a verification reason code, or an upstream failure (`UPSTREAM_5XX`, `UPSTREAM_UNREACHABLE`, `UPSTREAM_TIMEOUT`). */
  readonly outcome: string;
  readonly count: number;
}

/**
 * What a usage query groups by: the credential, the credential and channel, the UTC day, the
 * UTC hour (from the hourly totals, which carry no channel), or the credential and day (the
 * usage page's chart).
 */
export type UsageGrouping = 'client' | 'channel' | 'day' | 'hour' | 'client-day';

/** One usage total: the grouping columns that apply, the outcome and its count. */
export interface UsageRow {
  readonly credentialId?: string;
  readonly channel?: string;
  readonly day?: string;
  /** The UTC hour as `YYYY-MM-DDTHH:00Z` (grouping `hour`). */
  readonly hour?: string;
  readonly outcome: string;
  readonly count: number;
}

/** A usage query. */
export interface UsageQuery {
  /** First UTC day included, `YYYY-MM-DD`. */
  readonly since?: string | undefined;
  /** Last UTC day included, `YYYY-MM-DD`. */
  readonly until?: string | undefined;
  readonly by: UsageGrouping;
}

/** What an audit entry records: an admin action, or refused admin authentication. */
export type AuditAction = 'create' | 'update' | 'rotate' | 'revoke' | 'auth_failed';

/** Who acted: the admin API (source: the client address), the CLI (source: the OS user), or a library caller. */
export type AuditActor = 'admin-api' | 'cli' | 'library';

/** One audit entry. Never holds a secret: details are names, durations and counts. */
export interface AuditEntry {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly actor: AuditActor;
  /** The client address (admin API) or the OS user (CLI). */
  readonly source: string;
  readonly action: AuditAction;
  /** The credential acted on, or `null` (failed authentication, a create that chose no id). */
  readonly credentialId: string | null;
  /** `ok`, or the error code the action failed with. */
  readonly outcome: string;
  /** How many events this entry stands for: 1, or more for failed authentication folded per minute. */
  readonly count: number;
  /** What else matters, without any secret: e.g. `{ overlap: '1h' }`, `{ fields: ['label'] }`. */
  readonly details: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** An audit query: entries with `since <= time < until`, the newest `limit`, returned oldest first. */
export interface AuditQuery {
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** At most this many entries (the newest); default and maximum {@link MAX_AUDIT_LIMIT}. */
  readonly limit?: number | undefined;
}

/** The most audit entries one query returns. */
export const MAX_AUDIT_LIMIT = 10_000;

/**
 * A database of credentials and usage.
 *
 * @example
 * const store = openSqliteStore('./mapsign.db')
 * await store.insertCredential({ id: 'gme-acme', scheme: 'google', label: null, secretText, createdAt: Date.now() })
 */
export interface MapsignStore {
  /** Inserts a credential and its first secret; throws `CREDENTIAL_EXISTS` for a taken id. */
  insertCredential(credential: NewCredential): Promise<void>;
  /** Every credential, oldest first, without secret text. */
  listCredentials(): Promise<CredentialInfo[]>;
  /** One credential without secret text, or `undefined`. */
  getCredential(id: string): Promise<CredentialInfo | undefined>;
  /**
   * Adds a new current secret. Every older secret that is still valid expires at
   * `overlapUntil` (or keeps an earlier expiry). Throws `CREDENTIAL_NOT_FOUND` / `CREDENTIAL_REVOKED`.
   */
  rotateSecret(id: string, secretText: string, now: number, overlapUntil: number): Promise<void>;
  /**
   * Changes a credential's label or controls in one transaction (controls are merged field by
   * field with the stored ones) and moves the change marker, so every gateway reloads. Throws
   * `CREDENTIAL_NOT_FOUND` / `CREDENTIAL_REVOKED`.
   */
  updateCredential(id: string, changes: CredentialChanges, now: number): Promise<void>;
  /** Revokes a credential; throws `CREDENTIAL_NOT_FOUND`. Revoking twice keeps the first time. */
  revokeCredential(id: string, now: number): Promise<void>;
  /** Every credential with the secrets still valid at `now`, for the verifier cache. */
  loadVerifierRecords(now: number): Promise<VerifierRecord[]>;
  /** A value that changes whenever any credential or secret changes, from any process. */
  changeMarker(): Promise<string>;
  /**
   * Adds a batch of usage counts in one transaction. With a `batchId` (unique per batch, e.g. a
   * random UUID) the id is recorded in the same transaction and a batch already applied is
   * skipped, so a write that timed out after it committed can be retried without counting
   * twice. Channels beyond the store's bound per credential and day are counted under
   * `(other)` (see `usage-channels.ts`).
   */
  recordUsage(deltas: readonly UsageDelta[], batchId?: string): Promise<void>;
  /** Usage totals, grouped. */
  queryUsage(query: UsageQuery): Promise<UsageRow[]>;
  /** Stores one audit entry. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries in a time range, oldest first (see {@link AuditQuery}). */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
