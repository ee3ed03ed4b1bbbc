/**
 * Counts requests in memory and writes them to the store in batches — one transaction per
 * interval, never one write per request — and on close, so a clean shutdown loses nothing.
 *
 * Each batch carries a random id the store records with it. A failed write keeps its batch,
 * id and counts unchanged, and the next flush retries exactly that batch before writing the
 * counts gathered since as a new one: a write that failed after it committed (a timeout on the
 * reply) is then skipped by the store instead of counted twice. Channels are bounded per
 * credential per day between flushes (`usage-channels.ts`), so a credential holder sending a
 * new `channel=` per request cannot grow the pending map without end. A failing store is
 * reported once, and once more when writes succeed again, not at every flush.
 */
import { randomUUID } from 'node:crypto';
import type { MapsignStore, UsageDelta } from '../store/contract.js';
import type { Outcome } from './outcome.js';
import { ChannelBound, DEFAULT_MAX_CHANNELS, usageKey } from '../store/usage-channels.js';

/** Options for {@link UsageRecorder}. */
export interface UsageRecorderOptions {
  /** How often to write; default 1000 ms. */
  readonly flushMs?: number | undefined;
  /** Distinct channels counted per credential per day between two writes; default 100. */
  readonly maxChannels?: number | undefined;
  readonly now?: () => number;
  readonly onError?: (message: string) => void;
}

/** A pending count, incremented in place until its batch is handed to the store. */
type Tally = Omit<UsageDelta, 'count'> & { count: number };

/** A batch handed to the store, kept as is until it is stored. */
interface Batch {
  readonly id: string;
  readonly deltas: readonly UsageDelta[];
}

/** A batching usage counter. */
export class UsageRecorder {
  readonly #store: MapsignStore;
  readonly #now: () => number;
  readonly #onError: (message: string) => void;
  readonly #timer: NodeJS.Timeout;
  readonly #channels: ChannelBound;
  #pending = new Map<string, Tally>();
  /** The batch being written, or whose last write failed: retried first, unchanged. */
  #batch: Batch | undefined;
  #failing = false;
  #day = '';
  #dayEnds = 0;
  #flushing: Promise<void> = Promise.resolve();

  /** @example const usage = new UsageRecorder(store); usage.count('gme-acme', '', 'ok') */
  constructor(store: MapsignStore, options: UsageRecorderOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    this.#channels = new ChannelBound(options.maxChannels ?? DEFAULT_MAX_CHANNELS);
    this.#timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.#timer.unref();
  }

  /** Counts one request: the credential (or `''`), its channel (or `''`) and the outcome. */
  count(credentialId: string, channel: string, outcome: Outcome): void {
    const now = this.#now();
    if (now >= this.#dayEnds) {
      this.#day = new Date(now).toISOString().slice(0, 10);
      this.#dayEnds = Date.UTC(Number(this.#day.slice(0, 4)), Number(this.#day.slice(5, 7)) - 1, Number(this.#day.slice(8, 10)) + 1);
    }
    const day = this.#day;
    const folded = this.#channels.fold(day, credentialId, channel);
    const key = usageKey({ day, credentialId, channel: folded, outcome });
    // Counted in place: a request must not cost an allocation beyond its key.
    const found = this.#pending.get(key);
    if (found === undefined) this.#pending.set(key, { day, credentialId, channel: folded, outcome, count: 1 });
    else found.count += 1;
  }

  /** Writes the pending counts; resolves when they are stored (or kept after a failure). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(): Promise<void> {
    for (;;) {
      if (this.#batch === undefined) {
        if (this.#pending.size === 0) return;
        this.#batch = { id: randomUUID(), deltas: [...this.#pending.values()] };
        this.#pending = new Map();
        this.#channels.clear();
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
      if (this.#failing) this.#onError('Usage counts are written again.');
      this.#failing = false;
      // Counts gathered while the old batch was retried go next, as a new batch.
    }
  }
}
