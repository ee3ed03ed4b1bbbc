/**
 * Change notifications from PostgreSQL: LISTEN on the channel every credential change NOTIFYs,
 * so a gateway reloads its credential cache the moment a change commits instead of at its next
 * poll. The poll of `changeMarker()` (one indexed row, read from the table every time, so a
 * change is never missed) stays as the safety net.
 *
 * One dedicated connection listens (a pooled one cannot: LISTEN belongs to a session). When it
 * drops — the database restarting, a network cut — it is retried with a backoff, and listeners
 * are told once it is back, since notifications sent while disconnected are lost.
 */
import type pg from 'pg';
import { pgDriver } from './drivers.js';
import { CHANGE_CHANNEL } from './postgres-schema.js';

/** A store that can push credential changes as they happen. */
export interface ChangeNotifier {
  /** Calls `listener` after each committed credential change; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** True when `store` can push changes (the PostgreSQL store and its decorators). */
export function isChangeNotifier(store: object): store is ChangeNotifier {
  return typeof (store as Partial<ChangeNotifier>).onChange === 'function';
}

/** Follows the change channel on its own connection while anyone listens. */
export class ChangeListener implements ChangeNotifier {
  readonly #config: pg.ClientConfig;
  readonly #maxBackoffMs: number;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #backoffMs = 250;
  #closed = false;

  /** @example new ChangeListener({ connectionString: url }).onChange(() => cache.poll()) */
  constructor(config: pg.ClientConfig, options: { maxBackoffMs?: number } = {}) {
    this.#config = config;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#client === undefined && this.#retry === undefined) this.#connect(false);
    return () => this.#listeners.delete(listener);
  }

  /** Stops listening for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #emit(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // One failing listener must not stop the others from hearing about the change.
      }
    }
  }

  #connect(reconnecting: boolean): void {
    if (this.#closed) return;
    const client = new (pgDriver().Client)(this.#config);
    this.#client = client;
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      this.#scheduleReconnect();
    };
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL) this.#emit();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANGE_CHANNEL}`))
      .then(() => {
        if (this.#client !== client) return;
        this.#backoffMs = 250;
        // Whatever changed while we were not listening is unknown: have everyone check.
        if (reconnecting) this.#emit();
      })
      .catch(lost);
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#connect(true);
    }, this.#backoffMs);
    this.#retry.unref();
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#maxBackoffMs);
  }
}
