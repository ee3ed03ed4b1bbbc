/**
 * The limits a route puts on its callers, in memory: requests per minute per client address and
 * per origin (fixed one-minute windows), and signatures per UTC day for the whole route — the
 * guard against a runaway bill. Each process counts for itself: several instances behind a load
 * balancer each allow the full amounts.
 *
 * Memory is bounded: the windows are forgotten every minute, and within a minute at most
 * `maxKeys` client and origin windows are held; callers beyond that share one overflow window
 * per route and kind, so a crowd of new addresses is limited together rather than growing the map.
 */
import type { RouteLimits } from './policy.js';

/** Why a caller is held back, with when to come back. */
export interface LimitRefusal {
  readonly reason: 'RATE_LIMITED' | 'BUDGET_EXHAUSTED';
  /** Which limit: `client`, `origin` or the route's daily `budget`. */
  readonly limit: 'client' | 'origin' | 'budget';
  readonly retryAfterSeconds: number;
}

/** Options for {@link CallerLimits}. */
export interface CallerLimitsOptions {
  /** Client and origin windows held per minute before callers share an overflow window; default 10000. */
  readonly maxKeys?: number | undefined;
  readonly now?: (() => number) | undefined;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const OVERFLOW = '\u0000overflow';

/** Per-route rate limits and daily budgets. */
export class CallerLimits {
  readonly #now: () => number;
  readonly #maxKeys: number;
  #window = 0;
  #counts = new Map<string, number>();
  #day = 0;
  #spent = new Map<string, number>();

  /** @example const limits = new CallerLimits(); limits.admit('staticmap', route.limits, '203.0.113.7', 'https://app.example.com') */
  constructor(options: CallerLimitsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /**
   * Counts one request against the per-minute limits; `undefined` when it may go on.
   *
   * @example const held = limits.admit(route.name, route.limits, clientAddress, origin); if (held) return tooMany(held)
   */
  admit(route: string, limits: RouteLimits, client: string, origin: string): LimitRefusal | undefined {
    const now = this.#now();
    const window = now - (now % MINUTE);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts = new Map();
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((window + MINUTE - now) / 1000));
    const overClient = this.#over(`c\n${route}\n`, client, limits.perClientPerMinute);
    const overOrigin = this.#over(`o\n${route}\n`, origin, limits.perOriginPerMinute);
    if (overClient) return { reason: 'RATE_LIMITED', limit: 'client', retryAfterSeconds };
    if (overOrigin) return { reason: 'RATE_LIMITED', limit: 'origin', retryAfterSeconds };
    return undefined;
  }

  /**
   * Spends one signature of the route's daily budget; `undefined` when there was one left.
   *
   * @example const held = limits.spend(route.name, route.limits); if (held) return exhausted(held)
   */
  spend(route: string, limits: RouteLimits): LimitRefusal | undefined {
    if (limits.dailyBudget === undefined) return undefined;
    const now = this.#now();
    const day = now - (now % DAY);
    if (day !== this.#day) {
      this.#day = day;
      this.#spent = new Map();
    }
    const spent = this.#spent.get(route) ?? 0;
    if (spent >= limits.dailyBudget) return { reason: 'BUDGET_EXHAUSTED', limit: 'budget', retryAfterSeconds: Math.max(1, Math.ceil((day + DAY - now) / 1000)) };
    this.#spent.set(route, spent + 1);
    return undefined;
  }

  /** Counts one request in the window of `prefix + who`; true when that makes it over `limit`. */
  #over(prefix: string, who: string, limit: number | undefined): boolean {
    if (limit === undefined) return false;
    let key = prefix + who;
    let seen = this.#counts.get(key);
    if (seen === undefined && this.#counts.size >= this.#maxKeys) {
      key = prefix + OVERFLOW;
      seen = this.#counts.get(key);
    }
    const next = (seen ?? 0) + 1;
    this.#counts.set(key, next);
    return next > limit;
  }
}
