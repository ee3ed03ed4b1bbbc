/**
 * The gateway's request handler on `node:http`: one pass from the raw request to the upstream.
 *
 * Each request is described once from the raw request line and headers, screened by the shared
 * shape rules and verified (src/gateway/verifier.ts), then either refused — through the refusal
 * throttle, counted and logged — or streamed to the upstream by the proxy with the gateway's own
 * headers and the authentication parameters removed, one request at a time per connection
 * (connection-lanes.ts). A request that verified and whose credential has controls is checked
 * against them before it is forwarded (control-enforcer.ts). The routes that need no signature
 * (`/healthz`, the debugger page) pass the same shape rules and are served by `fetch`-style
 * handlers off the hot path. `Expect: 100-continue` is answered only once the request verified,
 * so a refused upload is never invited. Every request gets an id (request-id.ts), sent upstream
 * and back to the client as `X-Request-Id`. A refusal is counted and logged as it is decided; a
 * forwarded request is counted when its outcome is known and logged once its answer is over,
 * with the bytes sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AUTH_PARAMS, stripParams } from '../http/auth-params.js';
import { renderFailure, wantsJson } from '../http/refusal.js';
import { createRequestScreen, type VerifierOptions } from '../http/request-check.js';
import { createClientErrorHandler, createSilenceGuard } from './connection-guards.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { answerWithFetch, defaultHealthz, findRoute, type FetchHandler } from './node-server.js';
import { createConnectionLanes } from './connection-lanes.js';
import { createControlEnforcer } from './control-enforcer.js';
import type { CredentialGuard } from '../http/credential-guard.js';
import type { DailyQuotas } from './daily-quota.js';
import { CLIENT_CLOSED_QUEUED } from '../store/outcomes.js';
import { createProxy, type ProxyFailure, type ProxyOptions, type ProxyOutcome } from './proxy.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { createRequestEnd, type Ending, type Received } from './request-end.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { pathOf, type RequestLogger } from './request-log.js';
import type { UsageRecorder } from './usage-recorder.js';
import { createRequestVerifier, nodeRequestFacts } from './verifier.js';

/** What both `node:http` handlers — the gateway and `--auth-only` (auth-only.ts) — are given. */
export interface HandlingOptions extends VerifierOptions {
  /**
   * Routes served without a signature, by exact path; a route also serves the paths under it
   * (`/debugger` serves `/debugger/app.js`). `/healthz` answers `{"status":"ok"}` unless given
   * here. (`--auth-only` serves them only to requests that name no original request.)
   */
  readonly routes?: Readonly<Record<string, FetchHandler>> | undefined;
  readonly usage?: UsageRecorder | undefined;
  /** The restrictions and limits of a verified credential (e.g. `CredentialCache.guard`). */
  readonly guards?: ((credentialId: string) => CredentialGuard | undefined) | undefined;
  /** Where daily quotas are counted, across gateways sharing the store. */
  readonly quotas?: DailyQuotas | undefined;
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

/** Options for {@link createGateway}. */
export interface GatewayOptions extends HandlingOptions, ProxyOptions {
  /** `false` forwards without verifying signatures (benchmarks only). Default `true`. */
  readonly verify?: boolean | undefined;
  /** Remove `client`, `key` and `signature` before forwarding; default `true`. */
  readonly stripAuthParams?: boolean | undefined;
}

/** A request that passed, as it is forwarded. */
interface Passed {
  readonly hasBody: boolean;
  readonly expectsContinue: boolean;
  /** The public origin it was verified against. */
  readonly origin: string;
  /** The verified credential and channel; none with verification off. */
  readonly credential?: string | undefined;
  readonly channel?: string | undefined;
  /** Where its daily quota is counted, when its credential has one. */
  readonly quota?: DailyQuotas | undefined;
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
  const routes: Record<string, FetchHandler> = { '/healthz': defaultHealthz, ...options.routes };
  const { throttle, guards } = options;
  const enforce = createControlEnforcer({ quotas: options.quotas, trusts: screen.trusts });
  const lanes = createConnectionLanes();
  const end = createRequestEnd({ ...options, trusts: screen.trusts });
  const { count, record, refuse } = end;
  const silence = createSilenceGuard(options.silentConnectionMs ?? 10_000);

  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void => {
    const started = performance.now();
    silence.heard(req.socket);
    const target = req.url ?? '/';
    const received = end.receive(req, target, started);
    const facts = nodeRequestFacts(req, target);
    const route = findRoute(routes, pathOf(target));
    if (route !== undefined || verify === undefined) {
      const screened = screen(facts);
      if (!screened.ok) return refuse(received, res, screened.refusal, facts.hasBody);
      if (route !== undefined) {
        res.setHeader(REQUEST_ID_HEADER, received.requestId);
        return answerWithFetch(route, req, res);
      }
      return forward(received, res, { hasBody: facts.hasBody, expectsContinue, origin: screened.options.origin });
    }
    const verdict = verify(facts);
    if (!verdict.ok) return refuse(received, res, verdict.refusal, facts.hasBody);
    const guard = guards?.(verdict.result.credentialId);
    const refused = guard === undefined ? undefined : enforce(guard, facts, verdict.result);
    if (refused !== undefined) return refuse(received, res, refused, facts.hasBody);
    throttle?.pass(req.socket);
    // A request admitted under a daily quota is in flight for it until it is counted.
    const quota = guard?.dailyQuota === undefined ? undefined : options.quotas;
    forward(received, res, { hasBody: facts.hasBody, expectsContinue, origin: verdict.origin, credential: verdict.result.credentialId, channel: verdict.result.channel, quota });
  };

  const forward = (received: Received, res: ServerResponse, passed: Passed): void => {
    const { req, requestId } = received;
    const { hasBody, expectsContinue, origin, credential, channel, quota } = passed;
    let ending: Ending | undefined;
    // Counted as soon as the outcome is known, logged once the answer is over (with its bytes).
    const settle = (outcome: ProxyOutcome): void => {
      if (quota !== undefined && credential !== undefined) quota.settle(credential);
      if ('status' in outcome) {
        ending = { status: outcome.status, outcome: outcome.status >= 500 ? 'UPSTREAM_5XX' : 'ok', credential, channel, bytes: 0, upstreamStatus: outcome.status };
        return count(ending);
      }
      const answer = FAILURE_ANSWER[outcome.failure];
      const unanswered = answer === undefined || res.headersSent || res.destroyed;
      const body = unanswered ? undefined : renderFailure(answer[0], outcome.failure, answer[1], wantsJson(req.headers.accept));
      ending = { status: answer?.[0] ?? 499, outcome: outcome.failure, credential, channel, bytes: body === undefined || req.method === 'HEAD' ? 0 : Buffer.byteLength(body.body) };
      count(ending);
      if (body === undefined) return;
      const close = outcome.failure === 'CLIENT_TIMEOUT' || hasBody ? { connection: 'close' } : {};
      res.writeHead(body.status, { ...body.headers, 'content-length': Buffer.byteLength(body.body), [REQUEST_ID_HEADER]: requestId, ...close }).end(body.body);
    };
    const over = (bodyBytes: number): void => {
      if (ending !== undefined) record(received, ending.upstreamStatus === undefined ? ending : { ...ending, bytes: bodyBytes });
    };
    lanes.enqueue(req.socket, {
      start(finished) {
        if (expectsContinue) res.writeContinue();
        const headers = upstreamRequestHeaders(req.rawHeaders, req.headers['connection'], { host: proxy.host, credential, origin, peer: req.socket.remoteAddress, trusted: received.trusted, requestId });
        const path = proxy.basePath + (strip ? stripParams(received.target, AUTH_PARAMS) : received.target);
        const done = (bodyBytes: number): void => {
          finished();
          over(bodyBytes);
        };
        return proxy.forward({ req, res, path, headers, withBody: hasBody, requestId, settle, done });
      },
      cancel: (reason) => {
        if (reason === 'SHUTDOWN') settle({ failure: reason });
        else {
          // The client left before this request's turn: it never reached the upstream.
          if (quota !== undefined && credential !== undefined) quota.release(credential);
          ending = { status: 499, outcome: CLIENT_CLOSED_QUEUED, credential, channel, bytes: 0 };
          count(ending);
        }
        over(0);
      },
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

  return {
    handleConnection: silence.handleConnection,
    handle: guarded(false),
    handleExpectContinue: guarded(true),
    handleClientError: createClientErrorHandler(screen.allow, end.parserRefused),
    get inFlight() {
      return lanes.size;
    },
    abortInFlight: () => lanes.abortAll(),
    close: () => proxy.close(),
  };
}
