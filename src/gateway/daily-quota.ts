/**
 * Daily quotas across every gateway that shares a store: how many requests each credential
 * with a quota has had forwarded today (UTC), and whether one more may go.
 *
 * The count is the store's usage for today — every gateway's written counts, added up — plus
 * what this gateway has not seen there yet: requests in flight, requests answered but still in
 * the usage recorder, and batches written since the store was last read. The recorder tells
 * when it cuts a batch and when the batch is stored, so nothing is counted twice; a refresh
 * (once per flush interval) writes pending usage, reads the store, and forgets the batches the
 * read includes. The only counts missing are those other gateways have not written yet, so a
 * quota can be overshot by what the other gateways forward in about two flush intervals (their
 * write, then this read) — never by this gateway's own traffic, which it counts from the
 * moment a request is admitted. While the store cannot be read, the last counts stay and this
 * gateway's own keep adding up.
 *
 * Only forwarded requests count (`FORWARDED_OUTCOMES`, the store's one list): a request refused for any reason — a
 * bad signature naming the credential, its own restrictions, a rate limit — never uses quota.
 * State is kept only for credentials that verified and have a quota, so unknown credentials
 * never create any.
 */
import type { MapsignStore } from '../store/contract.js';
import { FORWARDED_OUTCOMES } from '../store/outcomes.js';
import { DAY_MS, utcDay } from '../store/usage-query.js';
import type { BatchListener } from './usage-recorder.js';

/** Outcomes of requests that were forwarded: what a quota counts in the store. */
const FORWARDED: ReadonlySet<string> = new Set(FORWARDED_OUTCOMES);


type Counts = Map<string, number>;

function add(counts: Counts, id: string, n: number): void {
  counts.set(id, (counts.get(id) ?? 0) + n);
}

/** The quota counts of one gateway; also the usage recorder's {@link BatchListener}. */
export class DailyQuotas implements BatchListener {
  readonly #store: MapsignStore;
  readonly #now: () => number;
  #day = -1;
  /** Today's forwarded requests per credential, as the store last said. */
  #stored: Counts = new Map();
  /** Written since the store was last read. */
  #written: Counts = new Map();
  /** In the batch the recorder is writing. */
  #batch: Counts = new Map();
  /** Answered, still pending in the recorder. */
  #pending: Counts = new Map();
  /** Admitted, not answered yet. */
  #inFlight: Counts = new Map();
  #refreshing: Promise<void> | undefined;
  #failing = false;

  /** @example const quotas = new DailyQuotas(store); const usage = new UsageRecorder(store, { batches: quotas }) */
  constructor(store: MapsignStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Admits one request of `id` under `quota`, counting it as in flight until {@link settle};
   * or returns the whole seconds until the quota resets at the next UTC midnight.
   *
   * @example const wait = quotas.admit('gme-acme', 100_000); if (wait > 0) refuse(wait)
   */
  admit(id: string, quota: number): number {
    if (this.used(id) >= quota) return this.secondsToReset();
    add(this.#inFlight, id, 1);
    return 0;
  }

  /** An admitted request of `id` was answered (and counted by the usage recorder). */
  settle(id: string): void {
    this.release(id);
    add(this.#pending, id, 1);
  }

  /** An admitted request of `id` was never forwarded (its client left before its turn): it uses no quota. */
  release(id: string): void {
    const inFlight = this.#inFlight.get(id) ?? 0;
    if (inFlight > 1) this.#inFlight.set(id, inFlight - 1);
    else this.#inFlight.delete(id);
  }

  /** Requests of `id` counted today, on every gateway as far as this one knows. */
  used(id: string): number {
    this.#rollOver();
    return (this.#stored.get(id) ?? 0) + (this.#written.get(id) ?? 0) + (this.#batch.get(id) ?? 0) + (this.#pending.get(id) ?? 0) + (this.#inFlight.get(id) ?? 0);
  }

  /** Whole seconds until the next UTC midnight, at least 1. */
  secondsToReset(): number {
    const now = this.#now();
    return Math.max(1, Math.ceil((Math.floor(now / DAY_MS + 1) * DAY_MS - now) / 1000));
  }

  /** The recorder cut a batch from its pending counts. */
  cut(): void {
    this.#batch = this.#pending;
    this.#pending = new Map();
  }

  /** The recorder's batch is in the store. */
  stored(): void {
    for (const [id, count] of this.#batch) add(this.#written, id, count);
    this.#batch = new Map();
  }

  /**
   * Writes pending usage (`flush`), then reads today's counts for `ids` (the credentials with
   * a quota); never throws (the last counts stay on failure, reported once through `onError`).
   */
  refresh(ids: ReadonlySet<string>, flush: () => Promise<void>, onError: (message: string) => void): Promise<void> {
    this.#refreshing ??= this.#refreshOnce(ids, flush, onError).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(ids: ReadonlySet<string>, flush: () => Promise<void>, onError: (message: string) => void): Promise<void> {
    if (ids.size === 0) return;
    this.#rollOver();
    const day = this.#day;
    try {
      await flush();
      const rows = await this.#store.queryUsage({ by: 'client', since: utcDay(day * DAY_MS) });
      if (this.#day !== day) return;
      const stored: Counts = new Map();
      for (const row of rows) {
        const id = row.credentialId;
        if (id !== undefined && ids.has(id) && FORWARDED.has(row.outcome)) add(stored, id, row.count);
      }
      this.#stored = stored;
      // Written before the read: included. A batch written while the read ran may be missing
      // from it until the next read — a count too low for a moment, never one too high.
      this.#written = new Map();
      if (this.#failing) onError("Today's usage is read again for the daily quotas.");
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) onError(`Cannot read today's usage for the daily quotas; enforcing them with the last counts and this gateway's own: ${(error as Error).message}`);
      this.#failing = true;
    }
  }

  #rollOver(): void {
    const day = Math.floor(this.#now() / DAY_MS);
    if (day === this.#day) return;
    this.#day = day;
    this.#stored = new Map();
    this.#written = new Map();
    this.#batch = new Map();
    this.#pending = new Map();
  }
}
