/**
 * A token bucket for a credential's rate limit (`50/s`, `600/min`): it holds up to N tokens,
 * refills N per period continuously, and each request takes one. A client that stays under
 * the rate is never refused; one that was idle may send a burst of N at once — the usual
 * reading of "N per period" by API gateways (Kong's and Envoy's local rate limits work alike).
 * Pure arithmetic on a clock the caller passes in.
 */
import type { RateLimit } from '../core/credential-controls.js';

const PERIOD_MS = { second: 1000, minute: 60_000 } as const;

/** The bucket of one credential on one gateway. */
export class TokenBucket {
  readonly limit: RateLimit;
  readonly #perMs: number;
  #tokens: number;
  #at = -Infinity;

  /** @example const bucket = new TokenBucket({ count: 50, per: 'second' }) */
  constructor(limit: RateLimit) {
    this.limit = limit;
    this.#perMs = limit.count / PERIOD_MS[limit.per];
    this.#tokens = limit.count;
  }

  /**
   * Takes a token at `now` (ms); returns 0 when one was taken, else the ms until one is due.
   *
   * @example if (bucket.take(performance.now()) > 0) refuse()
   */
  take(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(this.limit.count, this.#tokens + (now - this.#at) * this.#perMs);
      this.#at = now;
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) / this.#perMs;
  }
}
