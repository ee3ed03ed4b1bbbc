/**
 * Keeps a gateway serving while its database is away.
 *
 * `resilientStore(inner)` is a {@link MapsignStore} decorator for a networked store. When the
 * database cannot be reached it answers the gateway's reads from the last good copy (the
 * verifier records and change marker), so requests keep verifying with the credentials already
 * known, and probes for the database on a timer. Writes — usage batches and admin operations —
 * fail with the store's error: the gateway's usage recorder keeps its counts (its one buffer,
 * bounded and fair) and retries, and admin operations must not pretend to succeed.
 *
 * The price, documented in the README: while the database is away, a revocation made elsewhere
 * cannot reach this gateway, so a revoked credential keeps verifying here until it returns.
 *
 * State changes are logged once each (never per request, never a secret), and `health()`
 * reports them for `/healthz`.
 */
import type { AuditEntry, AuditQuery, CredentialChanges, CredentialInfo, MapsignStore, NewCredential, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { isStoreError } from './errors.js';
import { isChangeNotifier, type ChangeNotifier } from './postgres-changes.js';

/** What `/healthz` reports about the database. */
export interface StoreHealth {
  readonly database: 'ok' | 'unreachable';
  /** When the database entered this state (ISO 8601). */
  readonly since: string;
}

/** Options for {@link resilientStore}. */
export interface ResilientOptions {
  /** How often to probe an unreachable database; default 1000 ms. */
  readonly retryMs?: number | undefined;
  /** Where state changes are reported, one line each. */
  readonly log?: ((message: string) => void) | undefined;
}

/** A store that survives outages of the one it wraps. */
export interface ResilientStore extends MapsignStore, ChangeNotifier {
  health(): StoreHealth;
}

/** Business refusals: the database answered, so it is reachable. */
const ANSWERED = new Set(['CREDENTIAL_EXISTS', 'CREDENTIAL_NOT_FOUND', 'CREDENTIAL_REVOKED', 'INVALID_INPUT']);

/**
 * Wraps `inner` so that losing its database never stops verification.
 *
 * @example const store = resilientStore(await openPostgresStore(url), { log: (m) => console.error(m) })
 */
export function resilientStore(inner: MapsignStore, options: ResilientOptions = {}): ResilientStore {
  const log = options.log ?? (() => {});
  const retryMs = options.retryMs ?? 1000;
  const listeners = new Set<() => void>();
  let state: StoreHealth['database'] = 'ok';
  let since = Date.now();
  let records: VerifierRecord[] | undefined;
  let marker: string | undefined;
  let retry: NodeJS.Timeout | undefined;

  const up = (): void => {
    if (state === 'ok') return;
    log(`Database reachable again after ${Math.round((Date.now() - since) / 1000)} s; reloading credentials and writing the usage counts kept meanwhile.`);
    state = 'ok';
    since = Date.now();
    clearInterval(retry);
    retry = undefined;
    // Changes made during the outage sent notifications nobody heard: check now.
    for (const listener of listeners) listener();
  };
  const down = (error: unknown): void => {
    if (state === 'unreachable') return;
    state = 'unreachable';
    since = Date.now();
    const held = records === undefined ? 'no credentials cached yet' : `${records.length} cached credentials`;
    log(`Database unreachable (${(error as Error).message}); verifying with ${held}, keeping usage counts, retrying every ${retryMs} ms.`);
    retry = setInterval(() => void attempt(() => inner.changeMarker()).catch(() => {}), retryMs);
    retry.unref();
  };
  /** Runs `work` against the database, tracking whether it answers. */
  const attempt = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      up();
      return result;
    } catch (error) {
      if (isStoreError(error) && ANSWERED.has(error.code)) up();
      else down(error);
      throw error;
    }
  };
  return {
    health: () => ({ database: state, since: new Date(since).toISOString() }),
    onChange(listener) {
      listeners.add(listener);
      const unsubscribe = isChangeNotifier(inner) ? inner.onChange(listener) : () => {};
      return () => {
        listeners.delete(listener);
        unsubscribe();
      };
    },
    insertCredential: (credential: NewCredential) => attempt(() => inner.insertCredential(credential)),
    listCredentials: (): Promise<CredentialInfo[]> => attempt(() => inner.listCredentials()),
    getCredential: (id: string) => attempt(() => inner.getCredential(id)),
    rotateSecret: (id: string, secretText: string, now: number, overlapUntil: number) => attempt(() => inner.rotateSecret(id, secretText, now, overlapUntil)),
    updateCredential: (id: string, changes: CredentialChanges, now: number) => attempt(() => inner.updateCredential(id, changes, now)),
    revokeCredential: (id: string, now: number) => attempt(() => inner.revokeCredential(id, now)),
    queryUsage: (query: UsageQuery): Promise<UsageRow[]> => attempt(() => inner.queryUsage(query)),
    appendAudit: (entry: AuditEntry) => attempt(() => inner.appendAudit(entry)),
    listAudit: (query: AuditQuery): Promise<AuditEntry[]> => attempt(() => inner.listAudit(query)),
    async loadVerifierRecords(now) {
      try {
        records = await attempt(() => inner.loadVerifierRecords(now));
        return records;
      } catch (error) {
        if (records === undefined || state === 'ok') throw error;
        // The last good copy, less the secrets whose rotation overlap has ended since.
        return records.map((r) => ({ ...r, secrets: r.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now) }));
      }
    },
    async changeMarker() {
      try {
        marker = await attempt(() => inner.changeMarker());
        return marker;
      } catch (error) {
        if (marker === undefined || state === 'ok') throw error;
        return marker;
      }
    },
    recordUsage: (deltas: readonly UsageDelta[], batchId?: string) => attempt(() => inner.recordUsage(deltas, batchId)),
    async close() {
      clearInterval(retry);
      listeners.clear();
      await inner.close();
    },
  };
}
