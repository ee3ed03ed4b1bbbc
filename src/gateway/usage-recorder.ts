/**
 * Counts requests in memory and writes them to the store in batches — one transaction per
 * interval, never one write per request — and on close, so a clean shutdown loses nothing.
 *
 * It is the gateway's one usage buffer, also while the database is away (a locked SQLite file,
 * an unreachable PostgreSQL): each batch carries a random id the store records with it; a
 * failed write keeps its batch, id and counts unchanged, and the next flush retries exactly
 * that batch before writing the counts gathered since as a new one, so a write that failed
 * after it committed (a timeout on the reply) is skipped by the store instead of counted twice.
 *
 * Counts are keyed by UTC hour as well as day, for the store's hourly totals (`--by hour`); at
 * one write a second a batch rarely spans two hours, so this costs no extra keys in practice.
 *
 * The buffer is bounded and fair: channels are folded per credential and day first
 * (`usage-channels.ts`), so one credential holder inventing `channel=` values fills at most its
 * own rows; only when the distinct credentials, days and outcomes themselves exceed the bound
 * (besides the batch being retried) does a full buffer count a new channel under its
 * credential's `(other)` row or, failing that, drop the count — reported in
 * {@link UsageRecorder.stats}. A failing store is reported once, and once more when writes
 * succeed again, not at every flush.
 */
import { randomUUID } from 'node:crypto';
import type { MapsignStore, UsageDelta } from '../store/contract.js';
import type { Outcome } from './outcome.js';
import { ChannelBound, DEFAULT_MAX_CHANNELS, OTHER_CHANNEL, slotKey, usageSlot } from '../store/usage-channels.js';
import { utcDay } from '../store/usage-query.js';

/** Told when pending counts become a batch and when that batch is stored (the daily quotas follow them). */
export interface BatchListener {
  cut(): void;
  stored(): void;
}

/** Options for {@link UsageRecorder}. */
export interface UsageRecorderOptions {
  /** How often to write; default 1000 ms. */
  readonly flushMs?: number | undefined;
  /** Distinct channels counted per credential per day between two writes; default 100. */
  readonly maxChannels?: number | undefined;
  /** Most distinct keys (day, credential, channel, outcome) held, besides the batch being retried; default 10000. */
  readonly maxKeys?: number | undefined;
  readonly now?: () => number;
  readonly onError?: (message: string) => void;
  readonly batches?: BatchListener | undefined;
}

const HOUR_MS = 3_600_000;

/** A pending count, incremented in place until its batch is handed to the store. */
type Tally = Omit<UsageDelta, 'count'> & { count: number };

/** A batch handed to the store, kept as is until it is stored. */
interface Batch {
  readonly id: string;
  readonly deltas: readonly UsageDelta[];
  /** Requests it counts. */
  readonly total: number;
}

/** What the buffer holds: for `/healthz`. */
export interface UsageStats {
  /** Requests counted but not yet written. */
  readonly buffered: number;
  /** Requests whose counts were dropped because the buffer was full. */
  readonly dropped: number;
}

/** A batching usage counter. */
export class UsageRecorder {
  readonly #store: MapsignStore;
  readonly #now: () => number;
  readonly #onError: (message: string) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #channels: ChannelBound;
  readonly #maxKeys: number;
  readonly #batches: BatchListener | undefined;
  #pending = new Map<string, Tally>();
  #pendingTotal = 0;
  #dropped = 0;
  /** The batch being written, or whose last write failed: retried first, unchanged. */
  #batch: Batch | undefined;
  #failing = false;
  #day = '';
  #hour = 0;
  /** {@link usageSlot} of the current day and hour. */
  #slot = '';
  #hourEnds = 0;
  #flushing: Promise<void> = Promise.resolve();

  /** @example const usage = new UsageRecorder(store); usage.count('gme-acme', '', 'ok') */
  constructor(store: MapsignStore, options: UsageRecorderOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    this.#channels = new ChannelBound(options.maxChannels ?? DEFAULT_MAX_CHANNELS);
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#batches = options.batches;
    this.#timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.#timer.unref();
  }

  /**
   * Counts one request: the credential (or `''`), its channel (or `''`) and the outcome — the
   * gateway's (an {@link Outcome}) or another writer's word (the signing service's reasons);
   * the store keeps it as text.
   */
  count(credentialId: string, channel: string, outcome: string): void {
    const now = this.#now();
    // A new hour, or a clock stepped back into an earlier one.
    if (now >= this.#hourEnds || now < this.#hourEnds - HOUR_MS) {
      const start = now - (now % HOUR_MS);
      this.#day = utcDay(start);
      this.#hour = new Date(start).getUTCHours();
      this.#hourEnds = start + HOUR_MS;
      this.#slot = usageSlot(this.#day, this.#hour);
    }
    const day = this.#day;
    const hour = this.#hour;
    let folded = this.#channels.fold(day, credentialId, channel);
    let key = slotKey(this.#slot, credentialId, folded, outcome);
    // Counted in place: a request must not cost an allocation beyond its key.
    let found = this.#pending.get(key);
    if (found === undefined && this.#pending.size >= this.#maxKeys) {
      // Full: a new channel of a credential already held still counts under its "(other)" row.
      const other = slotKey(this.#slot, credentialId, OTHER_CHANNEL, outcome);
      found = folded === '' ? undefined : this.#pending.get(other);
      if (found === undefined) {
        if (this.#dropped === 0) this.#onError(`Usage buffer full (${this.#maxKeys} keys): counts for new credentials, days or outcomes are dropped until the counts are written.`);
        this.#dropped += 1;
        return;
      }
      folded = OTHER_CHANNEL;
      key = other;
    }
    this.#pendingTotal += 1;
    if (found === undefined) this.#pending.set(key, { day, hour, credentialId, channel: folded, outcome, count: 1 });
    else found.count += 1;
  }

  /** Requests held (waiting for the next write, or in a batch being retried) and dropped. */
  get stats(): UsageStats {
    return { buffered: this.#pendingTotal + (this.#batch?.total ?? 0), dropped: this.#dropped };
  }

  /** Writes the pending counts; resolves when they are stored (or kept after a failure). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending; says so when some could not be written. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    const { buffered } = this.stats;
    if (buffered > 0) this.#onError(`Closing with usage not written: ${buffered} usage counts are lost.`);
  }

  async #write(): Promise<void> {
    for (;;) {
      if (this.#batch === undefined) {
        if (this.#pending.size === 0) return;
        this.#batch = { id: randomUUID(), deltas: [...this.#pending.values()], total: this.#pendingTotal };
        this.#pending = new Map();
        this.#pendingTotal = 0;
        this.#channels.clear();
        this.#batches?.cut();
      }
      try {
        await this.#store.recordUsage(this.#batch.deltas, this.#batch.id);
      } catch (error) {
        // Reported when a run of failures starts; the batch and its id stay for the next flush.
        if (!this.#failing) this.#onError(`Cannot write usage counts; keeping them and retrying at each flush: ${(error as Error).message}`);
        this.#failing = true;
        return;
      }
      this.#batch = undefined;
      this.#batches?.stored();
      if (this.#failing) this.#onError('Usage counts are written again.');
      this.#failing = false;
      // Counts gathered while the old batch was retried go next, as a new batch.
    }
  }
}
