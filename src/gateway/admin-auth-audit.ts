/**
 * Audits failed admin authentication without letting an attacker fill the database or the log.
 *
 * Whoever can reach the admin listener can send wrong tokens as fast as they like, so failures
 * are folded: a source address gets at most one audit entry (row and JSON line) per window
 * (default one minute). Its first failure is written at once, with `count: 1`; later ones in
 * the window are counted, and written as one entry with their `count` when the window ends —
 * which opens the next window. At most {@link MAX_SOURCES} addresses are tracked per window;
 * failures from any further ones are folded under the source `(other)`, so however many
 * addresses an attacker has, the trail grows by at most `MAX_SOURCES + 1` entries a window.
 */
import type { AuditContext } from '../store/audit-trail.js';
import { writeAudit } from '../store/audit-trail.js';
import type { MapsignStore } from '../store/contract.js';

/** The addresses tracked at once; more are folded under `(other)`. */
export const MAX_SOURCES = 32;

/** The source under which untracked addresses are counted. */
export const OTHER_SOURCE = '(other)';

/** Options for {@link AuthFailureAudit}. */
export interface AuthFailureAuditOptions {
  /** Where entries are told besides the store (the JSON log line), and store failures. */
  readonly context: Pick<AuditContext, 'onEntry' | 'warn'>;
  /** The window per source, ms; default 60 000. */
  readonly windowMs?: number | undefined;
}

interface Window {
  pending: number;
  timer: NodeJS.Timeout;
}

/** Counts failed admin authentications per source and writes them, bounded. */
export class AuthFailureAudit {
  readonly #store: MapsignStore;
  readonly #options: AuthFailureAuditOptions;
  readonly #windowMs: number;
  readonly #windows = new Map<string, Window>();
  readonly #writes = new Set<Promise<void>>();

  constructor(store: MapsignStore, options: AuthFailureAuditOptions) {
    this.#store = store;
    this.#options = options;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  /**
   * Counts one failure from `address`.
   *
   * @example audit.failed(client?.address ?? 'unknown')
   */
  failed(address: string): void {
    const source = this.#windows.has(address) || this.#windows.size < MAX_SOURCES ? address : OTHER_SOURCE;
    const open = this.#windows.get(source);
    if (open !== undefined) {
      open.pending += 1;
      return;
    }
    this.#write(source, 1);
  }

  /** Writes every count still pending and stops the timers (on shutdown). */
  async close(): Promise<void> {
    for (const [source, window] of this.#windows) {
      clearTimeout(window.timer);
      if (window.pending > 0) this.#track(this.#entry(source, window.pending));
    }
    this.#windows.clear();
    await Promise.all(this.#writes);
  }

  /** Writes an entry for `source` and opens its window. */
  #write(source: string, count: number): void {
    const timer = setTimeout(() => this.#windowEnded(source), this.#windowMs);
    timer.unref();
    this.#windows.set(source, { pending: 0, timer });
    this.#track(this.#entry(source, count));
  }

  #windowEnded(source: string): void {
    const window = this.#windows.get(source);
    this.#windows.delete(source);
    if (window !== undefined && window.pending > 0) this.#write(source, window.pending);
  }

  #entry(source: string, count: number): Promise<void> {
    return writeAudit(this.#store, { actor: 'admin-api', source, ...this.#options.context }, {
      time: Date.now(),
      actor: 'admin-api',
      source,
      action: 'auth_failed',
      credentialId: null,
      outcome: 'UNAUTHORIZED',
      count,
      details: {},
    });
  }

  #track(write: Promise<void>): void {
    this.#writes.add(write);
    void write.finally(() => this.#writes.delete(write));
  }
}
