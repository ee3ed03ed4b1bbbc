/**
 * Everything `mapsign serve` runs, wired together: the store, the polling credential cache, the
 * batching usage recorder, the gateway handler on its listener (refusals throttled per
 * connection, see refusal-throttle.ts) and, when configured, the admin
 * API on its own. `close()` is the SIGTERM path: drain in-flight requests, write the last usage
 * counts, then release the store.
 */
import type { MapsignStore } from '../store/contract.js';
import { createAdminApi } from './admin-api.js';
import { CredentialCache } from './credential-cache.js';
import { createGateway, type FetchHandler } from './handler.js';
import { serveFetch, type ListenTarget, type RunningServer } from './node-server.js';
import { createRefusalThrottle, type RefusalThrottle, type RefusalThrottleOptions } from './refusal-throttle.js';
import type { RequestLogger } from './request-log.js';
import { UsageRecorder } from './usage-recorder.js';

/** Options for {@link startGateway}. */
export interface StartOptions {
  readonly store: MapsignStore;
  readonly upstream: string;
  readonly listen: ListenTarget;
  readonly publicUrl?: string;
  readonly trustProxy?: readonly string[];
  readonly verify?: boolean;
  readonly stripAuthParams?: boolean;
  readonly upstreamTimeoutMs?: number;
  /** Delays refusals on connections that keep getting them; default on, `{ maxDelayMs: 0 }` turns it off. */
  readonly refusalThrottle?: RefusalThrottleOptions;
  /** Admin API listener and bearer token; both or neither. */
  readonly admin?: { readonly listen: ListenTarget; readonly token: string };
  readonly routes?: Readonly<Record<string, FetchHandler>>;
  readonly log?: RequestLogger;
  /** Problems worth an operator's attention (store unreadable, usage not written). */
  readonly warn?: (message: string) => void;
  readonly pollMs?: number;
  readonly flushMs?: number;
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://127.0.0.1:8787` (or a socket path). */
  readonly address: string;
  readonly adminAddress: string | undefined;
  readonly cache: CredentialCache;
  readonly usage: UsageRecorder;
  readonly throttle: RefusalThrottle;
  /** Drains, flushes usage and closes the store. */
  close(drainMs?: number): Promise<void>;
}

/**
 * Starts the gateway (and the admin API) on an open store; the store is closed by `close()`.
 *
 * @example const gw = await startGateway({ store: openSqliteStore('mapsign.db'), upstream: 'http://127.0.0.1:8080', listen: { port: 8787 } })
 */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const warn = options.warn ?? (() => {});
  const { store } = options;
  const cache = await CredentialCache.open(store, { onError: warn, ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }) });
  const usage = new UsageRecorder(store, { onError: warn, ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }) });
  const gateway = createGateway({
    upstream: options.upstream,
    credentials: cache.lookup,
    usage,
    ...pick(options, ['publicUrl', 'trustProxy', 'verify', 'stripAuthParams', 'routes', 'log']),
    ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
  });
  const throttle = createRefusalThrottle(options.refusalThrottle);
  const servers: RunningServer[] = [];
  try {
    servers.push(await serveFetch(gateway.fetch, options.listen, gateway.precheck, throttle));
    if (options.admin !== undefined) servers.push(await serveFetch(createAdminApi({ store, token: options.admin.token }), options.admin.listen));
  } catch (error) {
    await Promise.all(servers.map((server) => server.close(0)));
    cache.close();
    await usage.close();
    await gateway.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const shutdown = async (drainMs?: number): Promise<void> => {
    await Promise.all(servers.map((server) => server.close(drainMs)));
    cache.close();
    await usage.close();
    await gateway.close();
    await store.close();
  };
  return {
    address: servers[0]!.address,
    adminAddress: servers[1]?.address,
    cache,
    usage,
    throttle,
    // Idempotent: a second SIGTERM (or a test's cleanup) waits for the first shutdown.
    close: (drainMs) => (closing ??= shutdown(drainMs)),
  };
}

/** The options among `keys` that are set, without `undefined` (for exactOptionalPropertyTypes). */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key] as Exclude<T[K], undefined>;
  return out;
}
