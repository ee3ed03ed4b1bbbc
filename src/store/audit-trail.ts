/**
 * Writes the audit trail around an admin action, for `mapsign credentials` and the admin API
 * alike: the credential operations (`credential-ops.ts`) run each action through
 * {@link audited}, so every caller is audited once, in one place. The entry says who acted,
 * what, on which credential and how it ended — `ok` or the error's code — with details that
 * are names and durations, never a secret.
 *
 * The action comes first and the audit row second: a row that cannot be written is reported
 * through `warn` instead of failing an action that already took effect (a secret already issued
 * must still reach the operator, or it is lost).
 */
import { userInfo } from 'node:os';
import type { AuditAction, AuditActor, AuditEntry, MapsignStore } from './contract.js';
import { isStoreError } from './errors.js';

/** Who is acting, and where their audit entries are told besides the store. */
export interface AuditContext {
  readonly actor: AuditActor;
  /** The client address (admin API) or the OS user (CLI). */
  readonly source: string;
  /** Told each entry after it is stored (the admin API writes it as a JSON log line). */
  readonly onEntry?: ((entry: AuditEntry) => void) | undefined;
  /** Told when an entry could not be stored. */
  readonly warn?: ((message: string) => void) | undefined;
}

/**
 * The name of the OS user running this process, for the `source` of CLI entries; the uid when
 * the user has no name (a container without a passwd entry).
 *
 * @example osUser() // 'alice'
 */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** The context of a library caller that gives none: actor `library`, the OS user. */
export function libraryContext(): AuditContext {
  return { actor: 'library', source: osUser() };
}

/**
 * Stores one entry and tells `context.onEntry`; a failed write is told to `context.warn`.
 *
 * @example await writeAudit(store, context, { time: Date.now(), actor: 'admin-api', source: '10.0.0.5', action: 'auth_failed', credentialId: null, outcome: 'UNAUTHORIZED', count: 3, details: {} })
 */
export async function writeAudit(store: MapsignStore, context: AuditContext, entry: AuditEntry): Promise<void> {
  try {
    await store.appendAudit(entry);
  } catch (error) {
    context.warn?.(`The audit entry for ${entry.action}${entry.credentialId === null ? '' : ` of ${entry.credentialId}`} could not be stored: ${(error as Error).message}`);
  }
  context.onEntry?.(entry);
}

/** What {@link audited} records about an action. */
export interface AuditedAction<T> {
  readonly action: AuditAction;
  /** The credential named before the action runs, if any. */
  readonly credentialId: string | null;
  /** Details known before the action (never a secret). */
  readonly details?: AuditEntry['details'] | undefined;
  /** The credential id the result names (e.g. a generated id), when it differs. */
  readonly idOf?: ((result: T) => string) | undefined;
}

/**
 * Runs `work` and audits it: outcome `ok`, or the store error's code (any other failure is
 * `FAILED`), which is then rethrown.
 *
 * @example await audited(store, context, { action: 'revoke', credentialId: id }, () => store.revokeCredential(id, Date.now()))
 */
export async function audited<T>(store: MapsignStore, context: AuditContext, what: AuditedAction<T>, work: () => Promise<T>): Promise<T> {
  const entry = (outcome: string, credentialId: string | null): AuditEntry => ({
    time: Date.now(),
    actor: context.actor,
    source: context.source,
    action: what.action,
    credentialId,
    outcome,
    count: 1,
    details: what.details ?? {},
  });
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await writeAudit(store, context, entry(isStoreError(error) ? error.code : 'FAILED', what.credentialId));
    throw error;
  }
  await writeAudit(store, context, entry('ok', what.idOf?.(result) ?? what.credentialId));
  return result;
}
