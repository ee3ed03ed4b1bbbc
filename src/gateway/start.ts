/**
 * Everything `mapsign serve` runs, wired together: the store, the polling credential cache, the
 * batching usage recorder, the gateway handler on its listener (refusals throttled per
 * connection, see refusal-throttle.ts) — or, in `auth-only` mode, the handler that answers a
 * proxy's auth requests — and, when configured, the admin API on its own with the Prometheus
 * metrics at `/metrics` (prom-client is loaded only then) and the usage page.
 *
 * `close(drainMs)` is the shutdown path and finishes within `drainMs` whatever the upstream or
 * the database do: stop accepting; let in-flight requests finish until the last part of the
 * deadline, then end the rest (counted as `SHUTDOWN`); write the last usage counts and close
 * the store in the time left.
 */
import { createServer } from 'node:http';
import type { MapsignStore } from '../store/contract.js';
import { createAdminApi, type AdminApi, type AdminApiOptions } from './admin-api.js';
import { CredentialCache } from './credential-cache.js';
import { createAuthOnly } from './auth-only.js';
import { DailyQuotas } from './daily-quota.js';
import { createGateway } from './handler.js';
import { listenOn, serveFetch, type FetchHandler, type ListenTarget, type RunningServer } from './node-server.js';
import { createRefusalThrottle, type RefusalThrottle, type RefusalThrottleOptions } from './refusal-throttle.js';
import { allOf, type RequestLogger } from './request-log.js';
import { followChanges, storeRoutes } from './store-hooks.js';
import { UsageRecorder } from './usage-recorder.js';
import { usageRoutes, withUsagePage } from './usage-routes.js';

/** Options for {@link startGateway}. */
export interface StartOptions {
  readonly store: MapsignStore;
  /** The map service to forward to; required unless `mode` is `auth-only`. */
  readonly upstream?: string | undefined;
  /**
   * `proxy` (default) forwards verified requests to `upstream`; `auth-only` forwards nothing
   * and answers a proxy's auth requests (nginx `auth_request`, Caddy `forward_auth`), see auth-only.ts.
   */
  readonly mode?: 'proxy' | 'auth-only' | undefined;
  readonly listen: ListenTarget;
  readonly publicUrl?: string | undefined;
  readonly trustProxy?: readonly string[] | undefined;
  /** Methods forwarded; default GET and HEAD (the signature covers the URL only). */
  readonly methods?: readonly string[] | undefined;
  readonly verify?: boolean | undefined;
  readonly stripAuthParams?: boolean | undefined;
  /** How long after its signed `expires=` a URL is still accepted; default 30 s. */
  readonly clockSkewMs?: number | undefined;
  /** Upstream connect and first-byte timeout, and the longest pause inside a body; default 10 s. */
  readonly upstreamTimeoutMs?: number | undefined;
  /** Connections kept open to the upstream; default 128. */
  readonly upstreamConnections?: number | undefined;
  /** How long a new connection may send nothing before it is closed; default 10 s. */
  readonly silentConnectionMs?: number | undefined;
  /** Delays refusals on connections that keep getting them; default on, `{ maxDelayMs: 0 }` turns it off. */
  readonly refusalThrottle?: RefusalThrottleOptions | undefined;
  /** Admin API listener and bearer token (both or neither), its extra pages and where its audit lines go. It also serves the usage page (usage-routes.ts). */
  readonly admin?: Pick<AdminApiOptions, 'token' | 'routes' | 'onAudit'> & { readonly listen: ListenTarget } | undefined;
  readonly routes?: Readonly<Record<string, FetchHandler>> | undefined;
  readonly log?: RequestLogger | undefined;
  /** Problems worth an operator's attention (store unreadable, usage not written). */
  readonly warn?: ((message: string) => void) | undefined;
  readonly pollMs?: number | undefined;
  readonly flushMs?: number | undefined;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://127.0.0.1:8787` (or a socket path). */
  readonly address: string;
  readonly adminAddress: string | undefined;
  readonly cache: CredentialCache;
  readonly usage: UsageRecorder;
  readonly throttle: RefusalThrottle;
  /** Drains, flushes usage and closes the store, all within `drainMs` (default 10 s). */
  close(drainMs?: number): Promise<void>;
}

/** Waits for `work`, but no longer than `ms`; says whether it finished. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const finished = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([finished, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The shortest time kept for the last usage write and closing the store, even with a zero drain. */
const MIN_CLOSE_MS = 250;

/**
 * Starts the gateway (and the admin API) on an open store; the store is closed by `close()`.
 *
 * @example const gw = await startGateway({ store: openSqliteStore('mapsign.db'), upstream: 'http://127.0.0.1:8080', listen: { port: 8787 } })
 */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { upstream } = options;
  if ((options.mode === 'auth-only') === (upstream !== undefined)) {
    throw new TypeError(upstream === undefined ? 'startGateway needs an upstream unless mode is auth-only.' : 'An auth-only gateway forwards nothing: give no upstream.');
  }
  const warn = options.warn ?? (() => {});
  const { store } = options;
  const cache = await CredentialCache.open(store, { onError: warn, pollMs: options.pollMs });
  const quotas = new DailyQuotas(store);
  const usage = new UsageRecorder(store, { onError: warn, flushMs: options.flushMs, batches: quotas });
  const throttle = createRefusalThrottle(options.refusalThrottle);
  // Metrics are served on the admin listener only, so without one prom-client is never loaded.
  const metrics = options.admin === undefined ? undefined : (await import('./metrics.js')).createGatewayMetrics({ store, credentials: cache, usage });
  // Daily quotas read today's usage once per flush interval, only while some credential has one,
  // and before serving: a restarted gateway must not grant a spent quota again.
  const refreshQuotas = (): Promise<void> => quotas.refresh(cache.quotaIds, () => usage.flush(), warn);
  await refreshQuotas();
  const quotaTimer = setInterval(() => void refreshQuotas(), options.flushMs ?? 1000);
  quotaTimer.unref();
  const shared = {
    ...options,
    // The store's own /healthz (its kind and state, credentials, usage) unless the caller gives one.
    routes: { ...storeRoutes(store, { credentials: cache, usage }), ...options.routes },
    log: allOf(options.log, metrics?.observe),
    credentials: cache.lookup,
    guards: cache.guard,
    quotas,
    usage,
    throttle,
  };
  const gateway = upstream === undefined ? createAuthOnly(shared) : createGateway({ ...shared, upstream, timeoutMs: options.upstreamTimeoutMs, connections: options.upstreamConnections });
  // Slow senders of headers may hold a connection this long, no longer.
  const server = createServer({ keepAliveTimeout: 5000, headersTimeout: 20_000 }, gateway.handle);
  server.on('checkContinue', gateway.handleExpectContinue);
  server.on('clientError', gateway.handleClientError);
  server.on('connection', gateway.handleConnection);
  // A store that announces changes (PostgreSQL NOTIFY) refreshes the cache at once, not at the next poll.
  const unfollow = followChanges(store, cache);
  const servers: RunningServer[] = [];
  const admin: AdminApi | undefined =
    options.admin === undefined ? undefined : createAdminApi({ ...options.admin, routes: { ...(metrics && { '/metrics': metrics.handler }), ...usageRoutes(store), ...options.admin.routes }, store, warn });
  try {
    servers.push(await listenOn(server, options.listen));
    if (admin !== undefined) servers.push(await serveFetch(withUsagePage(admin), options.admin!.listen));
  } catch (error) {
    await Promise.all(servers.map((running) => running.close(0)));
    await admin?.close();
    unfollow();
    clearInterval(quotaTimer);
    cache.close();
    await usage.close();
    await gateway.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const shutdown = async (drainMs: number): Promise<void> => {
    const deadline = Date.now() + drainMs;
    const closeReserve = Math.min(2000, Math.floor(drainMs / 4));
    // A refusal waiting out its delay must not hold shutdown: answer them all now.
    throttle.flush();
    await Promise.all(servers.map((running) => running.close(drainMs - closeReserve, () => gateway.abortInFlight())));
    unfollow();
    clearInterval(quotaTimer);
    cache.close();
    // Whatever the pool still held settles (and is counted) before the last write.
    gateway.abortInFlight();
    await gateway.close();
    const left = (): number => Math.max(MIN_CLOSE_MS, deadline - Date.now());
    // The failed-auth counts still folded in memory are written before the store closes.
    if (admin !== undefined && !(await within(admin.close(), left()))) warn('The last failed admin authentications could not be audited before the drain deadline.');
    if (!(await within(usage.close(), left()))) warn('The last usage counts could not be written before the drain deadline.');
    if (!(await within(store.close(), left()))) warn('The database did not close before the drain deadline; exiting anyway.');
  };
  return {
    address: servers[0]!.address,
    adminAddress: servers[1]?.address,
    cache,
    usage,
    throttle,
    // Idempotent: a second SIGTERM (or a test's cleanup) waits for the first shutdown.
    close: (drainMs = 10_000) => (closing ??= shutdown(drainMs)),
  };
}
