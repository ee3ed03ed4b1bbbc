/**
 * Keeps a gateway serving while its database is away.
 *
 * `resilientStore(inner)` is a {@link MapsignStore} decorator for a networked store. When the
 * database cannot be reached it answers the gateway's reads from the last good copy (the
 * verifier records and change marker), so requests keep verifying with the credentials already
 * known; it buffers usage counts in memory and writes them when the database answers again,
 * probing for it on a timer. The buffer is bounded and fair: channels are folded per credential
 * and day first (`usage-channels.ts`), so one credential holder inventing `channel=` values
 * fills at most its own rows and never pushes out other credentials' counts; only when the
 * distinct credentials, days and outcomes themselves exceed the bound are new keys dropped
 * (counted in `droppedUsage`). A batch whose write failed is retried unchanged under its id, so
 * a write that committed before failing is not counted twice. Admin operations (create, rotate, revoke,
 * list, usage queries) still fail, with the store's error: they must not pretend to succeed.
 *
 * The price, documented in the README: while the database is away, a revocation made elsewhere
 * cannot reach this gateway, so a revoked credential keeps verifying here until it returns.
 *
 * State changes are logged once each (never per request, never a secret), and `health()`
 * reports them for `/healthz`.
 */
import { randomUUID } from 'node:crypto';
import type { CredentialInfo, MapsignStore, NewCredential, UsageDelta, UsageQuery, UsageRow, VerifierRecord } from './contract.js';
import { isStoreError } from './errors.js';
import { isChangeNotifier, type ChangeNotifier } from './postgres-changes.js';
import { ChannelBound, DEFAULT_MAX_CHANNELS, OTHER_CHANNEL, usageKey } from './usage-channels.js';

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
  /** Most distinct usage keys (day, credential, channel, outcome) buffered, besides the one batch being retried; default 10000. */
  readonly maxBufferedKeys?: number;
  /** Distinct channels buffered per credential per day before folding into `(other)`; default 100. */
  readonly maxChannels?: number;
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
  const channels = new ChannelBound(options.maxChannels ?? DEFAULT_MAX_CHANNELS);
  /** The batch being written, or whose write failed and may have committed: retried as is. */
  let inDoubt: { readonly id: string; readonly deltas: readonly UsageDelta[]; readonly count: number } | undefined;
  let retry: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;

  const up = (): void => {
    if (state === 'ok') return;
    const pending = buffered + (inDoubt?.count ?? 0);
    log(`Database reachable again after ${Math.round((Date.now() - since) / 1000)} s; reloading credentials${pending > 0 ? ` and writing ${pending} buffered usage counts` : ''}.`);
    state = 'ok';
    since = Date.now();
    clearInterval(retry);
    retry = undefined;
    // The gateway writes only when it has new counts: an idle one must not sit on old ones.
    if (buffer.size > 0 || inDoubt !== undefined) void drain();
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
      // Per-credential fold first: one credential's channel flood stays within its own rows.
      let delta: UsageDelta = { ...d, channel: channels.fold(d.day, d.credentialId, d.channel) };
      if (!buffer.has(usageKey(delta)) && buffer.size >= maxKeys) {
        // Full: a new channel of a credential already held still counts under its "(other)" row.
        const other = { ...delta, channel: OTHER_CHANNEL };
        if (delta.channel === '' || !buffer.has(usageKey(other))) {
          if (dropped === 0) log(`Usage buffer full (${maxKeys} keys): counts for new credentials, days or outcomes are dropped until the database returns.`);
          dropped += d.count;
          continue;
        }
        delta = other;
      }
      const key = usageKey(delta);
      const found = buffer.get(key);
      buffer.set(key, found === undefined ? delta : { ...found, count: found.count + delta.count });
      buffered += delta.count;
    }
  };
  /**
   * Writes the buffer in one batch, one batch at a time. A batch that fails is kept with its id
   * and retried unchanged before anything else (the database may have committed it), while new
   * counts wait in the buffer for a batch of their own.
   */
  const drain = async (): Promise<void> => {
    while (draining !== undefined) await draining;
    if (inDoubt === undefined) {
      if (buffer.size === 0) return;
      inDoubt = { id: randomUUID(), deltas: [...buffer.values()], count: buffered };
      buffer = new Map();
      channels.clear();
      buffered = 0;
    }
    const batch = inDoubt;
    draining = attempt(() => inner.recordUsage(batch.deltas, batch.id))
      .then(() => {
        inDoubt = undefined;
      })
      .catch(() => {})
      .finally(() => {
        draining = undefined;
      });
    await draining;
    // The retried batch is in; what was buffered meanwhile goes now.
    if (inDoubt === undefined && buffer.size > 0) await drain();
  };
  const probe = async (): Promise<void> => {
    if (buffer.size > 0 || inDoubt !== undefined) return drain();
    await attempt(() => inner.changeMarker()).catch(() => {});
  };

  return {
    health: () => ({ database: state, since: new Date(since).toISOString(), bufferedUsage: buffered + (inDoubt?.count ?? 0), droppedUsage: dropped }),
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
    // Never rejects (failed writes stay buffered here), so the caller's batch id is not needed:
    // the wrapper's own writes carry their own ids.
    async recordUsage(deltas) {
      bufferUsage(deltas);
      await drain();
    },
    async close() {
      clearInterval(retry);
      listeners.clear();
      if (buffer.size > 0 || inDoubt !== undefined) await drain();
      const unwritten = buffered + (inDoubt?.count ?? 0);
      if (unwritten > 0) log(`Closing with the database unreachable: ${unwritten} usage counts could not be written.`);
      await inner.close();
    },
  };
}
