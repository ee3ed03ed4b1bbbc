/**
 * What a gateway adds for the store it runs on, kept here so `mapsign serve` and tests wire it
 * the same way: the store's health — for `/healthz` (JSON on every store) and `/metrics` —
 * and a subscription that refreshes the credential cache the moment the store announces a
 * change (PostgreSQL NOTIFY) rather than at its next poll.
 */
import type { FetchHandler } from './node-server.js';
import type { MapsignStore } from '../store/contract.js';
import { isChangeNotifier } from '../store/postgres-changes.js';
import type { StoreHealth } from '../store/resilient.js';
import type { CacheStats } from './credential-cache.js';
import type { UsageStats } from './usage-recorder.js';

function hasHealth(store: MapsignStore): store is MapsignStore & { health(): StoreHealth } {
  return typeof (store as { health?: unknown }).health === 'function';
}

/** What a gateway knows of its store: kind and reachability. */
export interface StoreState {
  /** `postgres` for a store that announces changes (shared by gateways), `sqlite` for a file. */
  readonly store: 'postgres' | 'sqlite';
  readonly database: StoreHealth['database'];
  /** When the database entered this state (ISO 8601), when the store tracks it. */
  readonly since?: string | undefined;
}

/** The parts of a running gateway `/healthz` and `/metrics` read. */
export interface GatewayState {
  readonly credentials: { readonly size: number; readonly stats: CacheStats };
  readonly usage: { readonly stats: UsageStats };
}

/**
 * The store's state: from the resilient wrapper's own health when it has one (a networked
 * store never fails a read, it serves the last good data), else from whether the credential
 * cache's last refresh could read the store.
 *
 * @example storeState(store, cache.stats) // { store: 'sqlite', database: 'ok' }
 */
export function storeState(store: MapsignStore, cache: CacheStats): StoreState {
  const kind = isChangeNotifier(store) ? 'postgres' : 'sqlite';
  if (hasHealth(store)) return { store: kind, ...store.health() };
  return { store: kind, database: cache.reachable ? 'ok' : 'unreachable' };
}

/**
 * Extra gateway routes for `store`: `/healthz` as JSON — the store's kind and state, the
 * credentials loaded, and the usage the gateway holds (`bufferedUsage`) or dropped
 * (`droppedUsage`). It is on the public port, so it says nothing more: no path, URL or id.
 * The status stays 200 while the database is unreachable: the gateway still verifies, and a
 * load balancer must not take every gateway out at once because their shared database is down.
 *
 * @example createGateway({ …, routes: storeRoutes(store, { credentials: cache, usage }) })
 */
export function storeRoutes(store: MapsignStore, gateway: GatewayState): Record<string, FetchHandler> {
  return {
    '/healthz': async () => {
      const { buffered, dropped } = gateway.usage.stats;
      const body = { status: 'ok', ...storeState(store, gateway.credentials.stats), credentials: gateway.credentials.size, bufferedUsage: buffered, droppedUsage: dropped };
      return new Response(`${JSON.stringify(body)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
    },
  };
}

/**
 * Refreshes `cache` whenever `store` announces a change; returns the unsubscribe. A no-op for
 * stores that cannot announce (SQLite: the cache's poll finds changes within 250 ms).
 *
 * @example followChanges(store, gateway.cache)
 */
export function followChanges(store: MapsignStore, cache: { poll(): Promise<void> }): () => void {
  return isChangeNotifier(store) ? store.onChange(() => void cache.poll()) : () => {};
}
