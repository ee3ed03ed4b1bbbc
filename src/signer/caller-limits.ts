/**
 * The limits a route puts on its callers, in memory: requests per minute per client address and
 * per origin (fixed one-minute windows), and signatures per UTC day for the whole route — the
 * guard against a runaway bill. Each process counts for itself: several instances behind a load
 * balancer each allow the full amounts.
 *
 * A client is its address, an IPv6 one by its /64 (one subscriber's network, which hands out
 * addresses freely). A request the client's limit refuses is not counted against its origin, so
 * one client cannot spend the allowance of everyone on the same page.
 *
 * Memory is bounded: the windows are forgotten every minute, and within a minute at most
 * `maxKeys` windows are held. Past that, new callers are not limited per client until the
 * minute ends — the per-origin limit and the daily budget still hold them — so a crowd of
 * addresses can neither grow the map nor lock out the clients that come after it.
 */
import { parseIpAddress } from '../core/ip-network.js';
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
  /** Client and origin windows held per minute; past it, new clients go unlimited per client until the minute ends. Default 10000. */
  readonly maxKeys?: number | undefined;
  readonly now?: (() => number) | undefined;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The window key of a client: its address, an IPv6 address (not an IPv4-mapped one) by its /64. */
function clientKey(client: string): string {
  const bytes = parseIpAddress(client);
  if (bytes === undefined || (bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every((byte) => byte === 0))) return client;
  return `${Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('')}/64`;
}

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
    if (this.#over(`c\n${route}\n`, clientKey(client), limits.perClientPerMinute)) return { reason: 'RATE_LIMITED', limit: 'client', retryAfterSeconds };
    if (this.#over(`o\n${route}\n`, origin, limits.perOriginPerMinute)) return { reason: 'RATE_LIMITED', limit: 'origin', retryAfterSeconds };
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
    const key = prefix + who;
    const seen = this.#counts.get(key);
    if (seen === undefined && this.#counts.size >= this.#maxKeys) return false;
    const next = (seen ?? 0) + 1;
    this.#counts.set(key, next);
    return next > limit;
  }
}
