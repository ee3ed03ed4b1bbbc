/**
 * The gateway's in-memory view of the credential store.
 *
 * Requests never touch the database: lookups read a `Map`. A timer polls the store's change
 * marker (one indexed row) every 250 ms and reloads everything when it moves, so a revocation
 * or rotation made by the CLI, the admin API or another process is enforced within a second.
 * It also reloads when a rotated secret's overlap ends. If the store cannot be read, the last
 * good view stays in force (fail static) and the error is reported. Credentials with
 * restrictions or limits also get a compiled guard (src/http/credential-guard.ts), in a map of
 * their own, so a credential without any costs one lookup that finds nothing.
 */
import { credentialInput, parseCredential, type CredentialLookup, type VerifierCredential } from '../core/credential.js';
import type { Secret } from '../core/secret.js';
import { compileGuard, type CredentialGuard } from '../http/credential-guard.js';
import type { MapsignStore } from '../store/contract.js';

/** Options for {@link CredentialCache.open}. */
export interface CacheOptions {
  /** How often to poll the change marker; default 250 ms. */
  readonly pollMs?: number | undefined;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Called with a description when the store cannot be read or a stored secret does not parse. */
  readonly onError?: (message: string) => void;
}

/** What the cache did since it opened: for `/healthz` and `/metrics`. */
export interface CacheStats {
  /** Full reloads that succeeded, the first load included. */
  readonly reloads: number;
  /** Refreshes that could not read the store. */
  readonly failures: number;
  /** True when the last refresh read the store. */
  readonly reachable: boolean;
}

/** A polling cache of verifier credentials. */
export class CredentialCache {
  readonly #store: MapsignStore;
  readonly #now: () => number;
  readonly #onError: (message: string) => void;
  #byId = new Map<string, VerifierCredential>();
  #guards = new Map<string, CredentialGuard>();
  #quotaIds: ReadonlySet<string> = new Set();
  #marker = '';
  #nextExpiry = Infinity;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #reloads = 0;
  #failures = 0;
  #reachable = true;

  private constructor(store: MapsignStore, options: CacheOptions) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Loads the cache and starts polling.
   *
   * @example const cache = await CredentialCache.open(store); verifyUrl(url, cache.lookup)
   */
  static async open(store: MapsignStore, options: CacheOptions = {}): Promise<CredentialCache> {
    const cache = new CredentialCache(store, options);
    await cache.#reload();
    cache.#timer = setInterval(() => void cache.poll(), options.pollMs ?? 250);
    cache.#timer.unref();
    return cache;
  }

  /** The lookup to hand to `verifyUrl`: a map read, no I/O. */
  readonly lookup: CredentialLookup = (id) => this.#byId.get(id);

  /** True when the cache holds credential `id` (revoked ones included). */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** The guard of a credential with controls, or `undefined`: a map read, no I/O. */
  readonly guard = (id: string): CredentialGuard | undefined => this.#guards.get(id);

  /** The credentials with a daily quota. */
  get quotaIds(): ReadonlySet<string> {
    return this.#quotaIds;
  }

  /** Number of credentials held. */
  get size(): number {
    return this.#byId.size;
  }

  /** Reloads, failed refreshes, and whether the store was readable last time. */
  get stats(): CacheStats {
    return { reloads: this.#reloads, failures: this.#failures, reachable: this.#reachable };
  }

  /** Checks the change marker and reloads when it moved or a secret expired; never throws. */
  poll(): Promise<void> {
    this.#refreshing ??= this.#pollOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Stops polling. */
  close(): void {
    clearInterval(this.#timer);
  }

  async #pollOnce(): Promise<void> {
    try {
      const marker = await this.#store.changeMarker();
      if (marker !== this.#marker || this.#now() >= this.#nextExpiry) await this.#reload();
      this.#reachable = true;
    } catch (error) {
      this.#failures += 1;
      this.#reachable = false;
      this.#onError(`Cannot refresh credentials from the store; keeping the last ones loaded: ${(error as Error).message}`);
    }
  }

  async #reload(): Promise<void> {
    // Read the marker first: a change landing during the load moves it again and triggers
    // another reload, rather than being missed.
    const marker = await this.#store.changeMarker();
    const now = this.#now();
    const records = await this.#store.loadVerifierRecords(now);
    const byId = new Map<string, VerifierCredential>();
    const guards = new Map<string, CredentialGuard>();
    const quotaIds = new Set<string>();
    let nextExpiry = Infinity;
    for (const record of records) {
      const secrets: Secret[] = [];
      for (const secret of record.secrets) {
        try {
          secrets.push(parseCredential(credentialInput(record.scheme, record.id, secret.text)).secret);
          if (secret.expiresAt !== null) nextExpiry = Math.min(nextExpiry, secret.expiresAt);
        } catch {
          this.#onError(`A stored secret of credential ${record.id} does not parse; rotate the credential.`);
        }
      }
      byId.set(record.id, { scheme: record.scheme, id: record.id, secrets, revoked: record.revoked });
      const guard = compileGuard(record.id, record.controls, this.#guards.get(record.id));
      if (guard !== undefined) guards.set(record.id, guard);
      if (guard?.dailyQuota !== undefined) quotaIds.add(record.id);
    }
    this.#byId = byId;
    this.#guards = guards;
    this.#quotaIds = quotaIds;
    this.#marker = marker;
    this.#nextExpiry = nextExpiry;
    this.#reloads += 1;
  }
}
