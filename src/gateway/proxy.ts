/**
 * Streams a verified request between `node:http` and the upstream through undici's pooled
 * `Agent`, with no `Request`/`Response` objects and no intermediate streams: response chunks go
 * from undici's parser straight into `res.write`, paused while the client's socket is full —
 * for no longer than the timeout, so a client that stops reading cannot hold a pooled
 * connection.
 *
 * Every way a request can end is settled exactly once, as a {@link ProxyOutcome}: the
 * upstream's status as soon as its headers arrive; otherwise the failure — the upstream
 * refused, timed out or answered something that cannot be relayed (the caller answers
 * 502/504), the client went away or stopped sending or reading (the upstream request is
 * aborted at once, releasing its pooled connection), or shutdown cut it. A failure after the
 * response started can only end the client's connection. `done` is called once when the
 * exchange is over, so the connection's next request can go, with the body bytes relayed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { upstreamBase } from '../http/auth-params.js';
import type { FORWARDING_FAILURES } from '../store/outcomes.js';
import { clientResponseHeaders } from './forward-headers.js';

/** Options for {@link createProxy}. */
export interface ProxyOptions {
  /** `http://127.0.0.1:8080` or with a base path, `http://tiles.internal/v1`. */
  readonly upstream: string;
  /** Connect and first-byte timeout, and the longest pause inside either body; default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Connections kept open to the upstream; default 128. */
  readonly connections?: number | undefined;
}

/** Why a forwarded request ended without the upstream's answer (one of the store's `FORWARDING_FAILURES`). */
export type ProxyFailure = (typeof FORWARDING_FAILURES)[number];

/** How a forwarded request ended: the upstream's status, or a failure before it. */
export type ProxyOutcome = { readonly status: number } | { readonly failure: ProxyFailure };

/** One request on its way. */
export interface Forwarding {
  /** Ends it now; settles as `reason` unless it already has. */
  abort(reason: ProxyFailure): void;
}

/** What to forward and where to report. */
export interface ForwardJob {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Upstream path: base path, then the target as forwarded. */
  readonly path: string;
  /** Flat `[name, value, …]` request headers. */
  readonly headers: string[];
  readonly withBody: boolean;
  /** Sent to the client as `X-Request-Id` with the upstream's answer. */
  readonly requestId: string;
  /** Called once with the outcome; the caller answers failures before the response started. */
  readonly settle: (outcome: ProxyOutcome) => void;
  /** Called once when the exchange is over, with the bytes of the upstream's body relayed. */
  readonly done: (bodyBytes: number) => void;
}

/** A pooled proxy to one upstream. */
export interface Proxy {
  forward(job: ForwardJob): Forwarding;
  /** The upstream `host[:port]`, for the `Host` header. */
  readonly host: string;
  /** The base path every target is appended to (`/v1`, or empty). */
  readonly basePath: string;
  /** Closes pooled connections; requests still running are destroyed. */
  close(): Promise<void>;
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Why undici failed, as a proxy failure: a timeout, an unparsable answer, or no answer. */
function upstreamFailure(error: Error): ProxyFailure {
  const code = (error as { code?: string }).code ?? '';
  if (TIMEOUTS.has(code)) return 'UPSTREAM_TIMEOUT';
  return code.startsWith('HPE_') || code === 'UND_ERR_INFO' ? 'UPSTREAM_INVALID' : 'UPSTREAM_UNREACHABLE';
}

/** The undici handler for one request: writes the answer to `res`, settles once, ends once. */
class Exchange implements Dispatcher.DispatchHandler, Forwarding {
  readonly #job: ForwardJob;
  readonly #timeoutMs: number;
  #controller: Dispatcher.DispatchController | undefined;
  #started = false;
  #ended = false;
  #cut: ProxyFailure | undefined;
  #stall: NodeJS.Timeout | undefined;
  #bytes = 0;

  constructor(job: ForwardJob, timeoutMs: number) {
    this.#job = job;
    this.#timeoutMs = timeoutMs;
  }

  abort(reason: ProxyFailure): void {
    if (this.#ended) return;
    this.#cut ??= reason;
    if (this.#controller === undefined || this.#controller.aborted) this.#end(reason);
    else this.#controller.abort(new Error(reason));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Cut while waiting for a pooled connection: never send it.
    if (this.#ended) controller.abort(new Error(this.#cut ?? 'CLIENT_CLOSED'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers are the upstream's business with this hop; the client gets the final one.
    if (statusCode < 200 || this.#ended) return;
    try {
      this.#job.res.writeHead(statusCode, clientResponseHeaders(headers, this.#job.requestId));
    } catch {
      // A header Node refuses to send (invalid characters): the answer cannot be relayed.
      this.#cut = 'UPSTREAM_INVALID';
      controller.abort(new Error('UPSTREAM_INVALID'));
      return;
    }
    this.#started = true;
    this.#job.settle({ status: statusCode });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const { res } = this.#job;
    this.#bytes += chunk.length;
    if (res.write(chunk)) return;
    controller.pause();
    // A client that stops reading gets the same timeout as an upstream that stops sending.
    this.#stall = setTimeout(() => this.abort('CLIENT_TIMEOUT'), this.#timeoutMs);
    res.once('drain', () => {
      clearTimeout(this.#stall);
      controller.resume();
    });
  }

  onResponseEnd(): void {
    const { res } = this.#job;
    res.end();
    // Over once the answer is handed to the client's socket: an answer queued behind others on a
    // pipelining connection is not, and the connection's next request waits for it.
    this.#ended = true;
    clearTimeout(this.#stall);
    if (res.writableFinished) this.#job.done(this.#bytes);
    else res.once('finish', () => this.#job.done(this.#bytes));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#started) {
      // Mid-body: the status was sent, so the only honest signal left is a cut connection.
      this.#job.res.destroy();
      this.#finish();
      return;
    }
    this.#end(this.#cut ?? upstreamFailure(error));
  }

  /** Settles a failure before the response started, then ends. */
  #end(failure: ProxyFailure): void {
    if (this.#ended) return;
    this.#job.settle({ failure });
    this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#stall);
    this.#job.done(this.#bytes);
  }
}

/**
 * Creates the proxy for one upstream.
 *
 * @example const upstream = createProxy({ upstream: 'http://127.0.0.1:8080', timeoutMs: 5000 })
 */
export function createProxy(options: ProxyOptions): Proxy {
  const { origin, basePath, host } = upstreamBase(options.upstream);
  const timeout = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 10_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { timeout },
  });
  return {
    host,
    basePath,
    forward(job) {
      const exchange = new Exchange(job, timeout);
      const { req } = job;
      if (job.withBody) {
        // A body that stops arriving must not hold a pooled upstream connection.
        req.setTimeout(timeout, () => exchange.abort('CLIENT_TIMEOUT'));
        req.once('end', () => req.setTimeout(0));
        req.on('error', () => exchange.abort('CLIENT_CLOSED'));
      }
      try {
        agent.dispatch({ origin, path: job.path, method: req.method as Dispatcher.HttpMethod, headers: job.headers, body: job.withBody ? req : null }, exchange);
      } catch {
        // undici refused the request itself (a header it will not send): nothing reached the upstream.
        exchange.abort('UPSTREAM_UNREACHABLE');
      }
      return exchange;
    },
    close: () => agent.destroy(),
  };
}
