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
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AUTH_PARAMS, stripParams } from '../http/auth-params.js';
import { renderFailure, renderRefusal, ruleRefusal, wantsJson, type Refusal } from '../http/refusal.js';
import { createRequestScreen, type VerifierOptions } from '../http/request-check.js';
import type { RuleReason } from '../http/request-rules.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { answerWithFetch, type FetchHandler } from './node-server.js';
import { createConnectionLanes } from './connection-lanes.js';
import { createControlEnforcer } from './control-enforcer.js';
import type { CredentialGuard } from '../http/credential-guard.js';
import type { DailyQuotas } from './daily-quota.js';
import type { Outcome } from './outcome.js';
import { createProxy, type ProxyFailure, type ProxyOptions, type ProxyOutcome } from './proxy.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { pathOf, requesterFields, type RequestLogger } from './request-log.js';
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
   * (`/debugger` serves `/debugger/app.js`). `/healthz` answers `{"status":"ok"}` unless given here.
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

const STATUS_TEXT: Readonly<Record<number, string | undefined>> = STATUS_CODES;

const healthz: FetchHandler = async () => new Response('{"status":"ok"}\n', { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

const FAILURE_ANSWER: Readonly<Record<ProxyFailure, readonly [number, string] | undefined>> = {
  UPSTREAM_UNREACHABLE: [502, 'The upstream service cannot be reached.'],
  UPSTREAM_INVALID: [502, 'The upstream service sent a response that cannot be relayed.'],
  UPSTREAM_TIMEOUT: [504, 'The upstream service did not answer in time.'],
  CLIENT_TIMEOUT: [408, 'The request body stopped arriving.'],
  SHUTDOWN: [503, 'The gateway is shutting down; retry.'],
  CLIENT_CLOSED: undefined,
};

/**
 * The rule a request broke when Node's parser refused it: a method token it does not know
 * (`get`, `FOO`), a target with a fragment, a space or bytes it will not take (≥ 0x80), or an
 * HTTP version other than 1.0 and 1.1.
 */
function parserRefusal(code: string | undefined, raw: Buffer | undefined): RuleReason {
  if (code === 'HPE_INVALID_METHOD') return 'METHOD_NOT_ALLOWED';
  if ((code !== 'HPE_INVALID_URL' && code !== 'HPE_INVALID_VERSION' && code !== 'HPE_INVALID_CONSTANT') || raw === undefined) return 'MALFORMED_REQUEST';
  const end = raw.indexOf(10);
  const parts = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1').trimEnd().split(' ');
  // More than three words: a space in the target. Three, with a version Node will not take: `HTTP/1.2`.
  if (parts.length === 3 && code !== 'HPE_INVALID_URL') return /^HTTP\/\d\.\d$/.test(parts[2]!) ? 'HTTP_VERSION_NOT_SUPPORTED' : 'MALFORMED_REQUEST';
  if (parts.length < 3) return 'MALFORMED_REQUEST';
  return parts.slice(1, -1).join(' ').includes('#') ? 'FRAGMENT_NOT_ALLOWED' : 'MALFORMED_TARGET';
}

/** One request as the gateway received it: what its count and log line are made from. */
interface Received {
  readonly req: IncomingMessage;
  readonly target: string;
  readonly started: number;
  readonly requestId: string;
  /** True when the peer is a trusted proxy. */
  readonly trusted: boolean;
}

/** How a request ended. */
interface Ending {
  readonly status: number;
  readonly outcome: Outcome;
  readonly credential?: string | undefined;
  readonly channel?: string | undefined;
  /** Response body bytes. */
  readonly bytes: number;
  readonly upstreamStatus?: number | undefined;
}

function findRoute(routes: Readonly<Record<string, FetchHandler>>, path: string): FetchHandler | undefined {
  for (const prefix in routes) if (path === prefix || path.startsWith(`${prefix}/`)) return routes[prefix];
  return undefined;
}

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
  const routes: Record<string, FetchHandler> = { '/healthz': healthz, ...options.routes };
  const { usage, log, throttle, guards } = options;
  const enforce = createControlEnforcer({ quotas: options.quotas, trusts: screen.trusts });
  const lanes = createConnectionLanes();

  const count = (ending: Ending): void => usage?.count(ending.credential ?? '', ending.channel ?? '', ending.outcome);
  const record = (received: Received, ending: Ending): void => {
    if (log === undefined) return;
    const { req, target, started, requestId } = received;
    const { status, outcome, credential, channel, bytes, upstreamStatus } = ending;
    log({ method: req.method ?? '', path: pathOf(target), status, outcome, credential, channel, ms: performance.now() - started, requestId, ...requesterFields(req, screen.trusts), bytes, upstreamStatus });
  };

  const refuse = (received: Received, res: ServerResponse, refusal: Refusal, hasBody: boolean): void => {
    const { req } = received;
    const body = renderRefusal(refusal, wantsJson(req.headers.accept));
    const length = Buffer.byteLength(body.body);
    // Only ids the gateway knows are counted: unauthenticated input must not create rows.
    const ending = { status: refusal.status, outcome: refusal.reason, credential: refusal.reason === 'UNKNOWN_CREDENTIAL' ? undefined : refusal.credentialId, bytes: req.method === 'HEAD' ? 0 : length };
    count(ending);
    record(received, ending);
    // An unread body leaves the connection in an unknown state: end it after the answer.
    const headers: Record<string, string | number> = { ...body.headers, 'content-length': length, [REQUEST_ID_HEADER]: received.requestId };
    if (hasBody) headers['connection'] = 'close';
    const answer = (): void => void res.writeHead(body.status, headers).end(body.body);
    if (throttle === undefined) answer();
    else throttle.refuse(req.socket, answer);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void => {
    const started = performance.now();
    // The first request arrived: the connection's silence timer is done (Node times keep-alive itself).
    if (silent.delete(req.socket)) req.socket.setTimeout(0);
    const target = req.url ?? '/';
    const peer = req.socket.remoteAddress;
    const trusted = screen.trusts(peer);
    const received: Received = { req, target, started, requestId: requestIdFor(req.headers[REQUEST_ID_HEADER], trusted), trusted };
    const facts = nodeRequestFacts(req, target);
    const route = findRoute(routes, pathOf(target));
    if (route !== undefined || verify === undefined) {
      const screened = screen(facts);
      if (!screened.ok) return refuse(received, res, screened.refusal, facts.hasBody);
      if (route !== undefined) {
        res.setHeader(REQUEST_ID_HEADER, received.requestId);
        return answerWithFetch(route, req, res);
      }
      return forward(received, res, facts.hasBody, expectsContinue, screened.options.origin, undefined, undefined);
    }
    const verdict = verify(facts);
    if (!verdict.ok) return refuse(received, res, verdict.refusal, facts.hasBody);
    const guard = guards?.(verdict.result.credentialId);
    const refused = guard === undefined ? undefined : enforce(guard, facts, verdict.result);
    if (refused !== undefined) return refuse(received, res, refused, facts.hasBody);
    throttle?.pass(req.socket);
    // A request admitted under a daily quota is in flight for it until it is counted.
    const quota = guard?.dailyQuota === undefined ? undefined : options.quotas;
    forward(received, res, facts.hasBody, expectsContinue, verdict.origin, verdict.result.credentialId, verdict.result.channel, quota);
  };

  const forward = (received: Received, res: ServerResponse, hasBody: boolean, expectsContinue: boolean, origin: string, credential: string | undefined, channel: string | undefined, quota?: DailyQuotas): void => {
    const { req, requestId } = received;
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
        settle({ failure: reason });
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

  const handleClientError = (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void => {
    // Timeouts keep Node's meaning; a reset or a socket with a response under way cannot be answered.
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // An answer still owed to a request before this one (pipelining) must not be overtaken:
    // the connection ends once it is written, without a refusal. (Node keeps the response being
    // written in `_httpMessage`, and clears it when it has finished.)
    const owed = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (owed !== undefined && owed !== null) {
      owed.once('finish', () => socket.end());
      owed.once('close', () => socket.destroy());
      return;
    }
    if (timedOut || error.code === 'HPE_HEADER_OVERFLOW') {
      socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
      return;
    }
    const reason = parserRefusal(error.code, error.rawPacket);
    const refusal = ruleRefusal(reason, reason === 'METHOD_NOT_ALLOWED' ? screen.allow : undefined);
    const accept = error.rawPacket === undefined ? undefined : /\r\naccept:[ \t]*([^\r\n]*)/i.exec(error.rawPacket.toString('latin1'))?.[1];
    const body = renderRefusal(refusal, wantsJson(accept));
    const requestId = requestIdFor(undefined, false);
    const ending = { status: refusal.status, outcome: refusal.reason, bytes: Buffer.byteLength(body.body) };
    count(ending);
    log?.({ method: '', path: '', status: ending.status, outcome: ending.outcome, ms: 0, requestId, client: (socket as Partial<Socket>).remoteAddress, bytes: ending.bytes });
    const head = Object.entries({ ...body.headers, 'content-length': String(ending.bytes), [REQUEST_ID_HEADER]: requestId, connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.end(`HTTP/1.1 ${body.status} ${STATUS_TEXT[body.status] ?? 'Bad Request'}\r\n${head.join('')}\r\n${body.body}`);
  };

  const silent = new WeakSet<object>();
  const silentMs = options.silentConnectionMs ?? 10_000;
  const handleConnection = (socket: Socket): void => {
    silent.add(socket);
    socket.setTimeout(silentMs, () => {
      if (silent.has(socket)) socket.destroy();
    });
  };

  return {
    handleConnection,
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
