/**
 * Keeps a gateway serving while its database is away.
 *
 * `resilientStore(inner)` is a {@link MapsignStore} decorator for a networked store. When the
 * database cannot be reached it answers the gateway's reads from the last good copy (the
 * verifier records and change marker), so requests keep verifying with the credentials already
 * known; it buffers usage counts in memory (merged by key, bounded) and writes them when the
 * database answers again, probing for it on a timer. Admin operations (create, rotate, revoke,
 * list, usage queries) still fail, with the store's error: they must not pretend to succeed.
 *
 * The price, documented in the README: while the database is away, a revocation made elsewhere
 * cannot reach this gateway, so a revoked credential keeps verifying here until it returns.
 *
 * State changes are logged once each (never per request, never a secret), and `health()`
 * reports them for `/healthz`.
 */
import type { CredentialInfo, MapsignStore, NewCredential, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { isStoreError } from './errors.js';
import { isChangeNotifier, type ChangeNotifier } from './postgres-changes.js';

/** What `/healthz` reports about the database. */
export interface StoreHealth {
  readonly database: 'ok' | 'unreachable';
  /** When the database entered this state (ISO 8601). */
  readonly since: string;
  /** Requests counted but not yet written (waiting for the database). */
  readonly bufferedUsage: number;
  /** Requests whose counts were dropped because the buffer was full. */
  readonly droppedUsage: number;
}

/** Options for {@link resilientStore}. */
export interface ResilientOptions {
  /** Most distinct usage keys (day, credential, channel, outcome) held; default 10000. */
  readonly maxBufferedKeys?: number;
  /** How often to probe an unreachable database; default 1000 ms. */
  readonly retryMs?: number;
  /** Where state changes are reported, one line each. */
  readonly log?: (message: string) => void;
}

/** A store that survives outages of the one it wraps. */
export interface ResilientStore extends MapsignStore, ChangeNotifier {
  health(): StoreHealth;
}

/** Business refusals: the database answered, so it is reachable. */
const ANSWERED = new Set(['CREDENTIAL_EXISTS', 'CREDENTIAL_NOT_FOUND', 'CREDENTIAL_REVOKED', 'INVALID_INPUT']);

const keyOf = (d: UsageDelta): string => `${d.day}\u0000${d.credentialId}\u0000${d.channel}\u0000${d.outcome}`;

/**
 * Wraps `inner` so that losing its database never stops verification.
 *
 * @example const store = resilientStore(await openPostgresStore(url), { log: (m) => console.error(m) })
 */
export function resilientStore(inner: MapsignStore, options: ResilientOptions = {}): ResilientStore {
  const log = options.log ?? (() => {});
  const maxKeys = options.maxBufferedKeys ?? 10_000;
  const retryMs = options.retryMs ?? 1000;
  const listeners = new Set<() => void>();
  let state: StoreHealth['database'] = 'ok';
  let since = Date.now();
  let records: VerifierRecord[] | undefined;
  let marker: string | undefined;
  let buffer = new Map<string, UsageDelta>();
  let buffered = 0;
  let dropped = 0;
  /** Counts in the batch being written right now (out of the buffer, not yet stored). */
  let writing = 0;
  let retry: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;

  const up = (): void => {
    if (state === 'ok') return;
    const pending = buffered + writing;
    log(`Database reachable again after ${Math.round((Date.now() - since) / 1000)} s; reloading credentials${pending > 0 ? ` and writing ${pending} buffered usage counts` : ''}.`);
    state = 'ok';
    since = Date.now();
    clearInterval(retry);
    retry = undefined;
    // The gateway writes only when it has new counts: an idle one must not sit on old ones.
    if (buffer.size > 0) void drain();
    // Changes made during the outage sent notifications nobody heard: check now.
    for (const listener of listeners) listener();
  };
  const down = (error: unknown): void => {
    if (state === 'unreachable') return;
    state = 'unreachable';
    since = Date.now();
    const held = records === undefined ? 'no credentials cached yet' : `${records.length} cached credentials`;
    log(`Database unreachable (${(error as Error).message}); verifying with ${held}, buffering usage, retrying every ${retryMs} ms.`);
    retry = setInterval(() => void probe(), retryMs);
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
  const bufferUsage = (deltas: readonly UsageDelta[]): void => {
    for (const d of deltas) {
      const key = keyOf(d);
      const found = buffer.get(key);
      if (found === undefined && buffer.size >= maxKeys) {
        if (dropped === 0) log(`Usage buffer full (${maxKeys} keys): counts for new keys are dropped until the database returns.`);
        dropped += d.count;
        continue;
      }
      buffer.set(key, found === undefined ? d : { ...found, count: found.count + d.count });
      buffered += d.count;
    }
  };
  /** Writes the buffer in one batch, one batch at a time; on failure it is merged back for the next try. */
  const drain = async (): Promise<void> => {
    while (draining !== undefined) await draining;
    if (buffer.size === 0) return;
    const batch = [...buffer.values()];
    buffer = new Map();
    writing = buffered;
    buffered = 0;
    draining = attempt(() => inner.recordUsage(batch))
      .catch(() => bufferUsage(batch))
      .finally(() => {
        writing = 0;
        draining = undefined;
      });
    await draining;
  };
  const probe = async (): Promise<void> => {
    if (buffer.size > 0) return drain();
    await attempt(() => inner.changeMarker()).catch(() => {});
  };

  return {
    health: () => ({ database: state, since: new Date(since).toISOString(), bufferedUsage: buffered + writing, droppedUsage: dropped }),
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
    revokeCredential: (id: string, now: number) => attempt(() => inner.revokeCredential(id, now)),
    queryUsage: (query: UsageQuery): Promise<UsageRow[]> => attempt(() => inner.queryUsage(query)),
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
    async recordUsage(deltas) {
      bufferUsage(deltas);
      await drain();
    },
    async close() {
      clearInterval(retry);
      listeners.clear();
      if (buffer.size > 0) await drain();
      if (buffered > 0) log(`Closing with the database unreachable: ${buffered} usage counts could not be written.`);
      await inner.close();
    },
  };
}
