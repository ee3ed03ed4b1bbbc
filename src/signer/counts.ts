/**
 * What the signing service counts: one event per request — the route, the origin and the
 * outcome (`ok` for a signature issued, or the refusal's reason) — handed to a hook, so the
 * same events can feed an in-memory tally with a periodic log line, the gateway's usage store,
 * or Prometheus metrics. Every field is bounded by the policy: an unknown route is counted as
 * `''`, an origin the policy does not allow as `(not allowed)`, a request without one as `''`.
 */
import type { SignOutcome } from './refusals.js';

/** One request, as counted. */
export interface SignEvent {
  readonly route: string;
  readonly origin: string;
  readonly outcome: SignOutcome;
}

/** Receives every {@link SignEvent}; must not throw. */
export type SignCountHook = (event: SignEvent) => void;

/** A row of a {@link SignTally} summary. */
export interface SignCount extends SignEvent {
  readonly count: number;
}

/** Counts events in memory until they are taken, e.g. for a log line every minute. */
export class SignTally {
  #counts = new Map<string, SignCount & { count: number }>();

  /** The hook to give the service: `createSigningService({ …, onCount: tally.hook })`. */
  readonly hook: SignCountHook = (event) => {
    const key = `${event.route}\n${event.origin}\n${event.outcome}`;
    const found = this.#counts.get(key);
    if (found === undefined) this.#counts.set(key, { ...event, count: 1 });
    else found.count += 1;
  };

  /**
   * The counts since the last call, and starts again from zero.
   *
   * @example setInterval(() => console.log(JSON.stringify({ counts: tally.take() })), 60_000)
   */
  take(): SignCount[] {
    const rows = [...this.#counts.values()];
    this.#counts = new Map();
    return rows;
  }
}
