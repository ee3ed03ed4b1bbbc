/**
 * Counts requests in memory and writes them to the store in batches — one transaction per
 * interval, never one write per request — and on close, so a clean shutdown loses nothing.
 * A failed write keeps its counts for the next attempt.
 */
import type { MapsignStore, UsageDelta } from '../store/contract.js';

/** Options for {@link UsageRecorder}. */
export interface UsageRecorderOptions {
  /** How often to write; default 1000 ms. */
  readonly flushMs?: number | undefined;
  readonly now?: () => number;
  readonly onError?: (message: string) => void;
}

/** A batching usage counter. */
export class UsageRecorder {
  readonly #store: MapsignStore;
  readonly #now: () => number;
  readonly #onError: (message: string) => void;
  readonly #timer: NodeJS.Timeout;
  #pending = new Map<string, UsageDelta>();
  #day = '';
  #dayEnds = 0;
  #flushing: Promise<void> = Promise.resolve();

  /** @example const usage = new UsageRecorder(store); usage.count('gme-acme', '', 'ok') */
  constructor(store: MapsignStore, options: UsageRecorderOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.#timer.unref();
  }

  /** Counts one request: the credential (or `''`), its channel (or `''`) and the outcome. */
  count(credentialId: string, channel: string, outcome: string): void {
    const now = this.#now();
    if (now >= this.#dayEnds) {
      this.#day = new Date(now).toISOString().slice(0, 10);
      this.#dayEnds = Date.UTC(Number(this.#day.slice(0, 4)), Number(this.#day.slice(5, 7)) - 1, Number(this.#day.slice(8, 10)) + 1);
    }
    const key = `${this.#day}\u0000${credentialId}\u0000${channel}\u0000${outcome}`;
    const found = this.#pending.get(key);
    this.#pending.set(key, { day: this.#day, credentialId, channel, outcome, count: (found?.count ?? 0) + 1 });
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
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.#store.recordUsage([...batch.values()]);
    } catch (error) {
      for (const [key, delta] of batch) {
        const found = this.#pending.get(key);
        this.#pending.set(key, { ...delta, count: delta.count + (found?.count ?? 0) });
      }
      this.#onError(`Cannot write usage counts; will retry: ${(error as Error).message}`);
    }
  }
}
