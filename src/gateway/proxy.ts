/**
 * Streams a verified request between `node:http` and the upstream through undici's pooled
 * `Agent`, with no `Request`/`Response` objects and no intermediate streams: response chunks go
 * from undici's parser straight into `res.write`, paused while the client's socket is full.
 *
 * Every way a request can end is settled exactly once, as an {@link ProxyOutcome}: the
 * upstream's status as soon as its headers arrive; otherwise the failure — the upstream
 * refused or timed out (the caller answers 502/504), the client went away or stopped sending
 * its body (the upstream request is aborted at once, releasing its pooled connection), or
 * shutdown cut it. A failure after the response started can only end the client's connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
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

/** Why a forwarded request ended without the upstream's answer. */
export type ProxyFailure = 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_INVALID' | 'CLIENT_CLOSED' | 'CLIENT_TIMEOUT' | 'SHUTDOWN';

/** How a forwarded request ended: the upstream's status, or a failure before it. */
export type ProxyOutcome = { readonly status: number } | { readonly failure: ProxyFailure };

/** One request on its way. */
export interface Forwarding {
  /** Ends it now (shutdown); settles as `reason` unless it already has. */
  abort(reason: ProxyFailure): void;
}

/** A pooled proxy to one upstream. */
export interface Proxy {
  /**
   * Forwards `req` as `method path` with `headers`, streaming its body when `withBody`;
   * `settle` is called once with the outcome. The caller answers failures before the response
   * started; everything else is written to `res` here.
   */
  forward(req: IncomingMessage, res: ServerResponse, path: string, headers: string[], withBody: boolean, settle: (outcome: ProxyOutcome) => void): Forwarding;
  /** The upstream `host[:port]`, for the `Host` header. */
  readonly host: string;
  /** The base path every target is appended to (`/v1`, or empty). */
  readonly basePath: string;
  /** Closes pooled connections; requests still running are destroyed. */
  close(): Promise<void>;
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The undici handler for one request: writes the answer to `res`, settles once. */
class Exchange implements Dispatcher.DispatchHandler, Forwarding {
  readonly #res: ServerResponse;
  readonly #settle: (outcome: ProxyOutcome) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #started = false;
  #ended = false;
  #cut: ProxyFailure | undefined;

  constructor(res: ServerResponse, settle: (outcome: ProxyOutcome) => void) {
    this.#res = res;
    this.#settle = settle;
  }

  abort(reason: ProxyFailure): void {
    if (this.#ended) return;
    this.#cut ??= reason;
    if (this.#controller === undefined) this.#fail(reason);
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
      this.#res.writeHead(statusCode, clientResponseHeaders(headers));
    } catch {
      // A header Node refuses to send (invalid characters): the answer cannot be relayed.
      controller.abort(new Error('UPSTREAM_INVALID'));
      this.#fail('UPSTREAM_INVALID');
      return;
    }
    this.#started = true;
    this.#settle({ status: statusCode });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#res.write(chunk)) return;
    controller.pause();
    this.#res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#started) {
      // Mid-body: the status was sent, so the only honest signal left is a cut connection.
      this.#ended = true;
      this.#res.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    this.#fail(this.#cut ?? (TIMEOUTS.has(code) ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE'));
  }

  /** The client's connection closed: stop the upstream request unless it is complete. */
  clientClosed(): void {
    if (!this.#ended) this.abort(this.#cut ?? 'CLIENT_CLOSED');
  }

  #fail(failure: ProxyFailure): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settle({ failure });
  }
}

/**
 * Creates the proxy for one upstream.
 *
 * @example const proxy = createProxy({ upstream: 'http://127.0.0.1:8080', timeoutMs: 5000 })
 */
export function createProxy(options: ProxyOptions): Proxy {
  const url = new URL(options.upstream);
  const origin = url.origin;
  const timeout = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 10_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { timeout },
  });
  return {
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    forward(req, res, path, headers, withBody, settle) {
      const exchange = new Exchange(res, settle);
      res.once('close', () => exchange.clientClosed());
      if (withBody) {
        // A body that stops arriving must not hold a pooled upstream connection.
        req.setTimeout(timeout, () => exchange.abort('CLIENT_TIMEOUT'));
        req.once('end', () => req.setTimeout(0));
        req.on('error', () => exchange.abort('CLIENT_CLOSED'));
      }
      try {
        agent.dispatch({ origin, path, method: req.method as Dispatcher.HttpMethod, headers, body: withBody ? req : null }, exchange);
      } catch {
        // undici refused the request itself (a header it will not send): nothing reached the upstream.
        exchange.abort('UPSTREAM_UNREACHABLE');
      }
      return exchange;
    },
    close: () => agent.destroy(),
  };
}
