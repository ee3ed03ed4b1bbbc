/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global one,
 * so two gateways in one process, or an application's own metrics, never mix): requests by
 * credential and outcome, a latency histogram, upstream failures by kind, credential-cache
 * reloads and the credentials loaded, the store's health, and the usage counts buffered and
 * dropped. Served by {@link GatewayMetrics.handler} at `/metrics` on the admin listener, which
 * takes no query parameters (one is refused, like on every admin endpoint).
 *
 * Every label is bounded, since each value is a time series Prometheus keeps: outcomes and
 * failure kinds are the gateway's own words; a credential is labelled by its id only once the
 * credential cache knows it, and only for the first `maxCredentialLabels` ids seen — later
 * ones, and ids the cache does not know, count as `(other)`; a request that named no
 * credential the gateway knows has `credential=""`. Channels are never labels: a client
 * chooses them freely (usage reports count them, bounded, in the store).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readQuery } from './admin-request.js';
import type { FetchHandler } from './node-server.js';
import type { RequestLogEntry, RequestLogger } from './request-log.js';
import { storeState, type GatewayState } from './store-hooks.js';
import type { MapsignStore } from '../store/contract.js';
import { isFailureOutcome } from '../store/usage-report.js';

/** What the metrics read, besides the requests they observe. */
export interface MetricsSources extends GatewayState {
  readonly store: MapsignStore;
  /** The credential cache: only ids it holds get a label of their own. */
  readonly credentials: GatewayState['credentials'] & { has(id: string): boolean };
  /** Distinct credential ids labelled by name; default 100, the rest count as `(other)`. */
  readonly maxCredentialLabels?: number | undefined;
}

/** A gateway's metrics. */
export interface GatewayMetrics {
  /** Observes one finished request (a request logger, so it sits beside the access log). */
  readonly observe: RequestLogger;
  /** Serves the registry in Prometheus' text format. */
  readonly handler: FetchHandler;
  readonly registry: Registry;
}

/** The label of credential ids beyond the bound, or unknown to the cache. */
const OTHER_CREDENTIAL = '(other)';

/** The failures that are the upstream's, counted by kind with `UPSTREAM_5XX`. */
const UPSTREAM_KINDS = ['UPSTREAM_UNREACHABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID', 'UPSTREAM_5XX'] as const;
const UPSTREAM: ReadonlySet<string> = new Set(UPSTREAM_KINDS);

/** From a refusal (a few ms at most) to a slow upstream (the default timeout is 10 s). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How a request ended, for the histogram: the upstream answered, it was refused, or the forwarding failed. */
function resultOf(entry: RequestLogEntry): 'forwarded' | 'refused' | 'failed' {
  if (entry.upstreamStatus !== undefined) return 'forwarded';
  return isFailureOutcome(entry.outcome) ? 'failed' : 'refused';
}

/**
 * Creates a gateway's metrics over its credential cache, usage recorder and store.
 *
 * @example
 * const metrics = createGatewayMetrics({ store, credentials: cache, usage })
 * createGateway({ …, log: metrics.observe }); createAdminApi({ store, token, routes: { '/metrics': metrics.handler } })
 */
export function createGatewayMetrics(sources: MetricsSources): GatewayMetrics {
  const { credentials, usage, store } = sources;
  const maxLabels = sources.maxCredentialLabels ?? 100;
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({ name: 'mapsign_requests_total', help: 'Requests by credential and outcome (ok, a refusal reason, an upstream failure).', labelNames: ['credential', 'outcome'] as const, registers });
  const duration = new Histogram({ name: 'mapsign_request_duration_seconds', help: 'Time from the request to the end of its answer (for a refusal, to the decision), by result: forwarded, refused or failed.', labelNames: ['result'] as const, buckets: BUCKETS, registers });
  const upstreamFailures = new Counter({ name: 'mapsign_upstream_failures_total', help: 'Verified requests the upstream did not answer well, by kind.', labelNames: ['kind'] as const, registers });
  for (const kind of UPSTREAM_KINDS) upstreamFailures.inc({ kind }, 0);
  new Counter({
    name: 'mapsign_credential_reloads_total',
    help: 'Credential cache reloads from the store (ok) and refreshes that could not read it (failed).',
    labelNames: ['result'] as const,
    registers,
    collect() {
      const { reloads, failures } = credentials.stats;
      this.reset();
      this.inc({ result: 'ok' }, reloads);
      this.inc({ result: 'failed' }, failures);
    },
  });
  new Gauge({
    name: 'mapsign_credentials_loaded',
    help: 'Credentials in the gateway cache.',
    registers,
    collect() {
      this.set(credentials.size);
    },
  });
  new Gauge({
    name: 'mapsign_store_up',
    help: '1 while the store is reachable, 0 while the gateway verifies from its last good copy.',
    registers,
    collect() {
      this.set(storeState(store, credentials.stats).database === 'ok' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mapsign_usage_buffered',
    help: 'Requests counted but not yet written to the store.',
    registers,
    collect() {
      this.set(usage.stats.buffered);
    },
  });
  new Counter({
    name: 'mapsign_usage_dropped_total',
    help: 'Requests whose usage count was dropped because the buffer was full.',
    registers,
    collect() {
      this.reset();
      this.inc(usage.stats.dropped);
    },
  });

  const labelled = new Set<string>();
  const credentialLabel = (id: string | undefined): string => {
    if (id === undefined || id === '') return '';
    if (labelled.has(id)) return id;
    if (labelled.size >= maxLabels || !credentials.has(id)) return OTHER_CREDENTIAL;
    labelled.add(id);
    return id;
  };

  return {
    registry,
    observe(entry) {
      requests.inc({ credential: credentialLabel(entry.credential), outcome: entry.outcome });
      duration.observe({ result: resultOf(entry) }, entry.ms / 1000);
      if (UPSTREAM.has(entry.outcome)) upstreamFailures.inc({ kind: entry.outcome });
    },
    handler: async (request) => {
      readQuery(new URL(request.url), {});
      return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
    },
  };
}
