/**
 * The gateway's request handler on `node:http`: one pass from the raw request to the upstream.
 *
 * Each request is described once from the raw request line and headers, screened by the shared
 * shape rules and verified (src/gateway/verifier.ts), then either refused — through the refusal
 * throttle, counted and logged — or streamed to the upstream by the proxy with the gateway's own
 * headers and the authentication parameters removed, one request at a time per connection
 * (connection-lanes.ts). The routes that need no signature
 * (`/healthz`, the debugger page) pass the same shape rules and are served by `fetch`-style
 * handlers off the hot path. `Expect: 100-continue` is answered only once the request verified,
 * so a refused upload is never invited.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AUTH_PARAMS, stripParams } from '../http/auth-params.js';
import type { Refusal } from '../http/refusal.js';
import { createRequestScreen, type VerifierOptions } from '../http/request-check.js';
import { createClientErrorHandler, createSilenceGuard } from './connection-guards.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { answerWithFetch, findRoute, plainHealthz, type FetchHandler } from './node-server.js';
import { createConnectionLanes } from './connection-lanes.js';
import type { Outcome } from './outcome.js';
import { createProxy, type ProxyFailure, type ProxyOptions, type ProxyOutcome } from './proxy.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { pathOf, type RequestLogger } from './request-log.js';
import { createRequestEnd } from './request-end.js';
import type { UsageRecorder } from './usage-recorder.js';
import { createRequestVerifier, nodeRequestFacts } from './verifier.js';

/** Options for {@link createGateway}. */
export interface GatewayOptions extends VerifierOptions, ProxyOptions {
  /** `false` forwards without verifying signatures (benchmarks only). Default `true`. */
  readonly verify?: boolean | undefined;
  /** Remove `client`, `key` and `signature` before forwarding; default `true`. */
  readonly stripAuthParams?: boolean | undefined;
  /**
   * Routes served without a signature, by exact path; a route also serves the paths under it
   * (`/debugger` serves `/debugger/app.js`). `/healthz` answers `ok` unless given here.
   */
  readonly routes?: Readonly<Record<string, FetchHandler>> | undefined;
  readonly usage?: UsageRecorder | undefined;
  readonly log?: RequestLogger | undefined;
  /** Delays refusals on connections that keep getting them. */
  readonly throttle?: RefusalThrottle | undefined;
  /**
   * How long a new connection may stay silent before it is closed; default 10 s. Node's header
   * timeout starts with the first byte, so without it a connection that sends nothing holds a
   * file descriptor for good.
   */
  readonly silentConnectionMs?: number | undefined;
}

/** The gateway's handler. */
export interface Gateway {
  /** The `request` listener. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The `checkContinue` listener: `100 Continue` only for a request that verified. */
  handleExpectContinue(req: IncomingMessage, res: ServerResponse): void;
  /** The `clientError` listener: bytes Node's parser refused get the refusal that names why. */
  handleClientError(error: Error, socket: Duplex): void;
  /** The `connection` listener: a connection that sends nothing is closed after a while. */
  handleConnection(socket: Socket): void;
  /** Requests forwarded or waiting for their turn on their connection. */
  readonly inFlight: number;
  /** Ends every request still in flight, counting those not yet answered as `SHUTDOWN`. */
  abortInFlight(): void;
  /** Closes the upstream connection pool. */
  close(): Promise<void>;
}

const FAILURE_ANSWER: Readonly<Record<ProxyFailure, readonly [number, string] | undefined>> = {
  UPSTREAM_UNREACHABLE: [502, 'The upstream service cannot be reached.'],
  UPSTREAM_INVALID: [502, 'The upstream service sent a response that cannot be relayed.'],
  UPSTREAM_TIMEOUT: [504, 'The upstream service did not answer in time.'],
  CLIENT_TIMEOUT: [408, 'The request body stopped arriving.'],
  SHUTDOWN: [503, 'The gateway is shutting down; retry.'],
  CLIENT_CLOSED: undefined,
};

/**
 * Creates the gateway handler; throws a `TypeError` for a bad method list.
 *
 * @example
 * const gateway = createGateway({ upstream: 'http://127.0.0.1:8080', credentials: cache.lookup })
 * createServer(gateway.handle).on('checkContinue', gateway.handleExpectContinue).listen(8787)
 */
export function createGateway(options: GatewayOptions): Gateway {
  const proxy = createProxy(options);
  const screen = createRequestScreen(options);
  const verify = options.verify === false ? undefined : createRequestVerifier(options, screen);
  const strip = options.stripAuthParams !== false;
  const routes: Record<string, FetchHandler> = { '/healthz': plainHealthz, ...options.routes };
  const { throttle } = options;
  const lanes = createConnectionLanes();
  const end = createRequestEnd(options);
  const silence = createSilenceGuard(options.silentConnectionMs ?? 10_000);

  const done = (method: string, target: string, started: number, status: number, outcome: Outcome, credential?: string, channel?: string): void => end.done({ method, target, started }, status, outcome, credential, channel);

  const refuse = (req: IncomingMessage, res: ServerResponse, target: string, started: number, refusal: Refusal, hasBody: boolean): void => end.refuse(req, res, { method: req.method ?? '', target, started, hasBody }, refusal);

  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void => {
    const started = performance.now();
    silence.heard(req.socket);
    const target = req.url ?? '/';
    const facts = nodeRequestFacts(req, target);
    const route = findRoute(routes, pathOf(target));
    if (route !== undefined || verify === undefined) {
      const screened = screen(facts);
      if (!screened.ok) return refuse(req, res, target, started, screened.refusal, facts.hasBody);
      if (route !== undefined) return answerWithFetch(route, req, res);
      return forward(req, res, target, started, facts.hasBody, expectsContinue, screened.options.origin, undefined, undefined);
    }
    const verdict = verify(facts);
    if (!verdict.ok) return refuse(req, res, target, started, verdict.refusal, facts.hasBody);
    throttle?.pass(req.socket);
    forward(req, res, target, started, facts.hasBody, expectsContinue, verdict.origin, verdict.result.credentialId, verdict.result.channel);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, target: string, started: number, hasBody: boolean, expectsContinue: boolean, origin: string, credential: string | undefined, channel: string | undefined): void => {
    const method = req.method ?? 'GET';
    const settle = (outcome: ProxyOutcome): void => {
      if ('status' in outcome) return done(method, target, started, outcome.status, outcome.status >= 500 ? 'UPSTREAM_5XX' : 'ok', credential, channel);
      const answer = FAILURE_ANSWER[outcome.failure];
      done(method, target, started, answer?.[0] ?? 499, outcome.failure, credential, channel);
      if (answer === undefined || res.headersSent || res.destroyed) return;
      const close = outcome.failure === 'CLIENT_TIMEOUT' || hasBody ? { connection: 'close' } : {};
      res.writeHead(answer[0], { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...close }).end(`${answer[0]} ${outcome.failure}: ${answer[1]}\n`);
    };
    lanes.enqueue(req.socket, {
      start(finished) {
        if (expectsContinue) res.writeContinue();
        const peer = req.socket.remoteAddress;
        const headers = upstreamRequestHeaders(req.rawHeaders, req.headers['connection'], { host: proxy.host, credential, origin, peer, trusted: screen.trusts(peer) });
        const path = proxy.basePath + (strip ? stripParams(target, AUTH_PARAMS) : target);
        return proxy.forward({ req, res, path, headers, withBody: hasBody, settle, done: finished });
      },
      cancel: (reason) => settle({ failure: reason }),
    });
  };

  const guarded = (expectsContinue: boolean) => (req: IncomingMessage, res: ServerResponse): void => {
    try {
      handle(req, res, expectsContinue);
    } catch {
      // A defect must cost one request, never the process.
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('500 Internal Server Error\n');
    }
  };

  const handleClientError = createClientErrorHandler(screen.allow, (refusal) => done('', '', performance.now(), refusal.status, refusal.reason));

  return {
    handleConnection: silence.handleConnection,
    handle: guarded(false),
    handleExpectContinue: guarded(true),
    handleClientError,
    get inFlight() {
      return lanes.size;
    },
    abortInFlight: () => lanes.abortAll(),
    close: () => proxy.close(),
  };
}
