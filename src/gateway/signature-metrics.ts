/**
 * The signing service's Prometheus metrics (`mapsign sign-server --metrics-port`), beside the
 * gateway's (`metrics.ts`) and like them in a registry of their own: signing requests by route
 * and outcome — `issued`, or the refusal's reason — and by route and origin.
 *
 * Every label is bounded by the policy: routes are the policy's (a request for another path is
 * `(unknown)`), origins are its allowed origins, and every other origin, or none, is `(other)`;
 * outcomes are the service's own reason codes. It reads plain events (the signing service's
 * count events fit), so the service itself stays free of Prometheus.
 */
import { Counter, Registry } from 'prom-client';
import type { FetchHandler } from './node-server.js';

/** One signing request as the service counts it: `outcome` is `ok` for a signature issued, else the refusal's reason. */
export interface SignatureEvent {
  readonly route: string;
  readonly origin: string;
  readonly outcome: string;
}

/** What the labels may name. */
export interface SignatureMetricsOptions {
  readonly routes: Iterable<string>;
  readonly allowedOrigins: Iterable<string>;
}

/** A signing service's metrics. */
export interface SignatureMetrics {
  /** Counts one request (the service's `onCount` hook). */
  readonly observe: (event: SignatureEvent) => void;
  /** Serves the registry in Prometheus' text format. */
  readonly handler: FetchHandler;
  readonly registry: Registry;
}

/** The label of an origin the policy does not allow, or of a request without one. */
export const OTHER_ORIGIN = '(other)';
/** The label of a path that is no route of the policy. */
export const UNKNOWN_ROUTE = '(unknown)';

/**
 * Creates the metrics of a signing service over its policy's routes and origins.
 *
 * @example
 * const metrics = createSignatureMetrics({ routes: policy.routes.keys(), allowedOrigins: policy.allowedOrigins })
 * createNodeSigningHandler({ policy, secrets, onCount: metrics.observe })
 */
export function createSignatureMetrics(options: SignatureMetricsOptions): SignatureMetrics {
  const routes: ReadonlySet<string> = new Set(options.routes);
  const origins: ReadonlySet<string> = new Set(options.allowedOrigins);
  const registry = new Registry();
  const registers = [registry];
  const signatures = new Counter({ name: 'mapsign_signatures_total', help: 'Signing requests by route and outcome: issued, or the reason of the refusal.', labelNames: ['route', 'outcome'] as const, registers });
  const byOrigin = new Counter({ name: 'mapsign_signature_origins_total', help: "Signing requests by route and origin: the policy's allowed origins, any other or none as (other).", labelNames: ['route', 'origin'] as const, registers });
  for (const route of routes) signatures.inc({ route, outcome: 'issued' }, 0);
  return {
    registry,
    observe(event) {
      const route = routes.has(event.route) ? event.route : UNKNOWN_ROUTE;
      signatures.inc({ route, outcome: event.outcome === 'ok' ? 'issued' : event.outcome });
      byOrigin.inc({ route, origin: origins.has(event.origin) ? event.origin : OTHER_ORIGIN });
    },
    handler: async () => new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } }),
  };
}
