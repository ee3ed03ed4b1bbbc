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
 * so a refused upload is never invited.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AUTH_PARAMS, stripParams } from '../http/auth-params.js';
import { renderRefusal, ruleRefusal, wantsJson, type Refusal } from '../http/refusal.js';
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
import { pathOf, type RequestLogger } from './request-log.js';
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

const healthz: FetchHandler = async () => new Response('ok\n', { headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } });

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

  const done = (method: string, target: string, started: number, status: number, outcome: Outcome, credential?: string, channel?: string): void => {
    usage?.count(credential ?? '', channel ?? '', outcome);
    log?.({ method, path: pathOf(target), status, outcome, credential, channel, ms: performance.now() - started });
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, target: string, started: number, refusal: Refusal, hasBody: boolean): void => {
    // Only ids the gateway knows are counted: unauthenticated input must not create rows.
    done(req.method ?? '', target, started, refusal.status, refusal.reason, refusal.reason === 'UNKNOWN_CREDENTIAL' ? undefined : refusal.credentialId);
    const body = renderRefusal(refusal, wantsJson(req.headers.accept));
    // An unread body leaves the connection in an unknown state: end it after the answer.
    const headers: Record<string, string | number> = { ...body.headers, 'content-length': Buffer.byteLength(body.body) };
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
    const guard = guards?.(verdict.result.credentialId);
    const refused = guard === undefined ? undefined : enforce(guard, facts, verdict.result);
    if (refused !== undefined) return refuse(req, res, target, started, refused, facts.hasBody);
    throttle?.pass(req.socket);
    // A request admitted under a daily quota is in flight for it until it is counted.
    const quota = guard?.dailyQuota === undefined ? undefined : options.quotas;
    forward(req, res, target, started, facts.hasBody, expectsContinue, verdict.origin, verdict.result.credentialId, verdict.result.channel, quota);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, target: string, started: number, hasBody: boolean, expectsContinue: boolean, origin: string, credential: string | undefined, channel: string | undefined, quota?: DailyQuotas): void => {
    const method = req.method ?? 'GET';
    const settle = (outcome: ProxyOutcome): void => {
      if (quota !== undefined && credential !== undefined) quota.settle(credential);
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
    done('', '', performance.now(), refusal.status, refusal.reason);
    const accept = error.rawPacket === undefined ? undefined : /\r\naccept:[ \t]*([^\r\n]*)/i.exec(error.rawPacket.toString('latin1'))?.[1];
    const body = renderRefusal(refusal, wantsJson(accept));
    const head = Object.entries({ ...body.headers, 'content-length': String(Buffer.byteLength(body.body)), connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
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
