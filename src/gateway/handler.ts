/**
 * The gateway as a `fetch`-style handler: `(request, context) => Promise<Response>`.
 *
 * Routes without authentication come first (`/healthz`, and any the caller adds — the
 * debugger page will be one), then every other request is verified with the shared
 * {@link createRequestVerifier}, counted, logged and, if valid, forwarded. Runtimes rewrite
 * `request.url` (WHATWG parsing re-encodes quotes, spaces, `..`), so a Node adapter passes the
 * raw request target in `context.rawTarget`; signatures cover the bytes the client sent.
 *
 * `precheck` runs the same verification on the raw request line and headers before any
 * `Request` exists, so an adapter can refuse a flood of bad signatures without allocating
 * `Request`/`Response` objects (they cost more than the HMAC). A pass yields a ticket, known
 * only to this gateway, that spares `fetch` a second verification.
 */
import { CREDENTIAL_HEADER, AUTH_PARAMS, forwardableHeaders, stripParams } from './forward-headers.js';
import { createForwarder, type ForwarderOptions } from './forwarder.js';
import { refusalHeaders, renderRefusal, wantsJson, type RefusalBody } from './refusal.js';
import { pathOf, type RequestLogger } from './request-log.js';
import type { UsageRecorder } from './usage-recorder.js';
import type { HeaderReader } from './origin.js';
import { createRequestVerifier, type Accepted, type Refused, type VerifierOptions } from './verifier.js';

/** What an adapter knows about a request beyond the `Request`. */
export interface RequestContext {
  /** TCP peer address, for `trustProxy`. */
  readonly remoteAddress?: string;
  /** The request target exactly as received (`/path?query`). */
  readonly rawTarget?: string;
  /** The ticket `precheck` returned for this request. */
  readonly ticket?: object;
}

/** What {@link Gateway.precheck} decided: send this refusal, or go on to `fetch` (with a ticket if verified). */
export type PrecheckResult = { readonly refusal: RefusalBody } | { readonly ticket?: object };

/** Verifies a request from its method, raw target, headers and peer, before a `Request` is built. */
export type Precheck = (method: string, target: string, header: HeaderReader, peer: string | undefined) => PrecheckResult;

/** A `fetch`-style handler. */
export type FetchHandler = (request: Request, context: RequestContext) => Promise<Response>;

/** Options for {@link createGateway}. */
export interface GatewayOptions extends VerifierOptions, ForwarderOptions {
  /** `false` forwards without verifying (benchmarks only). Default `true`. */
  readonly verify?: boolean;
  /** Remove `client`, `key` and `signature` before forwarding; default `true`. */
  readonly stripAuthParams?: boolean;
  /**
   * Extra routes served without authentication, by exact path; a route also serves the paths
   * under it (`/debugger` serves `/debugger/app.js`).
   */
  readonly routes?: Readonly<Record<string, FetchHandler>>;
  readonly usage?: UsageRecorder;
  readonly log?: RequestLogger;
}

/** A running gateway handler. */
export interface Gateway {
  readonly fetch: FetchHandler;
  readonly precheck: Precheck;
  /** Closes the upstream connection pool. */
  close(): Promise<void>;
}

/** The target to verify: the raw one when the adapter has it, else from `request.url`. */
function targetOf(request: Request, context: RequestContext): string {
  if (context.rawTarget !== undefined) return context.rawTarget;
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const hash = url.indexOf('#');
  return start < 0 ? '/' : url.slice(start, hash < 0 ? undefined : hash);
}

function findRoute(routes: Readonly<Record<string, FetchHandler>>, path: string): FetchHandler | undefined {
  for (const [prefix, route] of Object.entries(routes)) if (path === prefix || path.startsWith(`${prefix}/`)) return route;
  return undefined;
}

/**
 * Creates the gateway handler.
 *
 * @example
 * const gateway = createGateway({ upstream: 'http://127.0.0.1:8080', credentials: cache.lookup })
 * const response = await gateway.fetch(new Request('http://gw/tiles/1/2/3.png?key=…&signature=…'), {})
 */
export function createGateway(options: GatewayOptions): Gateway {
  const forwarder = createForwarder(options);
  const verify = options.verify === false ? undefined : createRequestVerifier(options);
  const strip = options.stripAuthParams !== false;
  const routes: Record<string, FetchHandler> = { '/healthz': async () => new Response('ok\n', { headers: { 'content-type': 'text/plain' } }), ...options.routes };
  const { usage, log } = options;
  const done = (method: string, target: string, started: number, status: number, outcome: string, credential?: string, channel?: string): void => {
    usage?.count(credential ?? '', channel ?? '', outcome);
    log?.({ method, path: pathOf(target), status, outcome, ...(credential === undefined ? {} : { credential }), ...(channel === undefined ? {} : { channel }), ms: performance.now() - started });
  };
  const refuse = (method: string, target: string, started: number, verdict: Refused, accept: string | undefined): RefusalBody => {
    const body = renderRefusal(verdict, wantsJson(accept));
    // Only ids the gateway knows are counted: unauthenticated input must not create rows.
    const known = verdict.failure.reason === 'UNKNOWN_CREDENTIAL' ? undefined : verdict.failure.credentialId;
    done(method, target, started, body.status, verdict.failure.reason, known);
    return body;
  };
  const tickets = new WeakMap<object, Accepted>();

  const precheck: Precheck = (method, target, header, peer) => {
    if (verify === undefined || findRoute(routes, pathOf(target)) !== undefined) return {};
    const started = performance.now();
    const verdict = verify(target, header, peer);
    if (!verdict.ok) return { refusal: refuse(method, target, started, verdict, header('accept')) };
    const ticket = {};
    tickets.set(ticket, verdict);
    return { ticket };
  };

  const fetch: FetchHandler = async (request, context) => {
    const started = performance.now();
    const target = targetOf(request, context);
    const route = findRoute(routes, pathOf(target));
    if (route !== undefined) return route(request, context);
    let credential: string | undefined;
    let channel: string | undefined;
    if (verify !== undefined) {
      const ticketed = context.ticket === undefined ? undefined : tickets.get(context.ticket);
      const verdict = ticketed ?? verify(target, (name) => request.headers.get(name) ?? undefined, context.remoteAddress);
      if (!verdict.ok) {
        const body = refuse(request.method, target, started, verdict, request.headers.get('accept') ?? undefined);
        return new Response(body.body, { status: body.status, headers: refusalHeaders(body) });
      }
      credential = verdict.result.credentialId;
      channel = verdict.result.channel;
    }
    const headers = forwardableHeaders(request.headers, ['host', CREDENTIAL_HEADER]);
    headers['host'] = forwarder.host;
    if (credential !== undefined) headers[CREDENTIAL_HEADER] = credential;
    if (context.remoteAddress !== undefined) {
      const prior = request.headers.get('x-forwarded-for');
      headers['x-forwarded-for'] = prior === null ? context.remoteAddress : `${prior}, ${context.remoteAddress}`;
    }
    const result = await forwarder.forward({ method: request.method, target: strip ? stripParams(target, AUTH_PARAMS) : target, headers, body: request.body });
    if (!result.ok) {
      const status = result.failure === 'UPSTREAM_TIMEOUT' ? 504 : 502;
      done(request.method, target, started, status, result.failure, credential, channel);
      const message = result.failure === 'UPSTREAM_TIMEOUT' ? 'The upstream service did not answer in time.' : 'The upstream service cannot be reached.';
      return new Response(`${status} ${result.failure}: ${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    const status = result.response.status;
    done(request.method, target, started, status, status >= 500 ? 'UPSTREAM_5XX' : 'ok', credential, channel);
    return result.response;
  };
  return { fetch, precheck, close: () => forwarder.close() };
}
