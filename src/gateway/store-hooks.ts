/**
 * What a gateway adds for the store it runs on, kept here so `mapsign serve` and tests wire it
 * the same way: a `/healthz` route that reports the database (for a resilient store), and a
 * subscription that refreshes the credential cache the moment the store announces a change
 * (PostgreSQL NOTIFY) rather than at its next poll.
 */
import type { FetchHandler } from './node-server.js';
import type { MapsignStore } from '../store/contract.js';
import { isChangeNotifier } from '../store/postgres-changes.js';
import type { StoreHealth } from '../store/resilient.js';
import type { UsageStats } from './usage-recorder.js';

function hasHealth(store: MapsignStore): store is MapsignStore & { health(): StoreHealth } {
  return typeof (store as { health?: unknown }).health === 'function';
}

/**
 * Extra gateway routes for `store`: `/healthz` as JSON with the database state when the store
 * reports one, and the usage the gateway holds (`bufferedUsage`) or dropped (`droppedUsage`),
 * none otherwise (the gateway's plain `/healthz` stays). The status stays 200
 * while the database is unreachable: the gateway still verifies, and a load balancer must not
 * take every gateway out at once because their shared database is down.
 *
 * @example createGateway({ …, routes: storeRoutes(store, usage) })
 */
export function storeRoutes(store: MapsignStore, usage: { readonly stats: UsageStats }): Record<string, FetchHandler> {
  if (!hasHealth(store)) return {};
  return {
    '/healthz': async () => {
      const { buffered, dropped } = usage.stats;
      const body = { status: 'ok', ...store.health(), bufferedUsage: buffered, droppedUsage: dropped };
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
