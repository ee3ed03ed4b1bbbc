/**
 * Forwards a verified request to the upstream through undici with a pooled keep-alive `Agent`,
 * streaming both bodies. An upstream that refuses connections gets a 502 at once; one that is
 * slow to connect or to answer gets a 504 after the configured timeout — never a hang.
 */
import { Agent, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import { Readable } from 'node:stream';
import { responseHeaders } from './forward-headers.js';

/** Options for {@link createForwarder}. */
export interface ForwarderOptions {
  /** `http://127.0.0.1:8080` or with a base path, `http://tiles.internal/v1`. */
  readonly upstream: string;
  /** Connect and first-byte timeout, and the longest pause inside a body; default 10 s. */
  readonly timeoutMs?: number;
  /** Connections kept open to the upstream; default 128. */
  readonly connections?: number;
}

/** Why forwarding failed, as counted in usage. */
export type ForwardFailure = 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_TIMEOUT';

/** The upstream's response, or why there is none. */
export type ForwardResult = { readonly ok: true; readonly response: Response } | { readonly ok: false; readonly failure: ForwardFailure; readonly detail: string };

/** A request to forward: the target (path and query) and headers already rewritten. */
export interface Forwarded {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: ReadableStream<Uint8Array> | null;
}

/** A pooled forwarder. */
export interface Forwarder {
  forward(request: Forwarded): Promise<ForwardResult>;
  /** The upstream `host[:port]`, for the `Host` header. */
  readonly host: string;
  close(): Promise<void>;
}

const NULL_BODY = new Set([101, 204, 205, 304]);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Creates a forwarder for one upstream.
 *
 * @example const upstream = createForwarder({ upstream: 'http://127.0.0.1:8080', timeoutMs: 5000 })
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const url = new URL(options.upstream);
  const base = url.pathname.replace(/\/+$/, '');
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
    async forward(request) {
      let data: Dispatcher.ResponseData;
      try {
        data = await agent.request({
          origin: url.origin,
          path: base + request.target,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body === null ? null : Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>),
        });
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        const failure: ForwardFailure = TIMEOUTS.has(code) || error instanceof undiciErrors.ConnectTimeoutError ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNREACHABLE';
        return { ok: false, failure, detail: code || (error as Error).message };
      }
      const headers = responseHeaders(data.headers);
      if (NULL_BODY.has(data.statusCode) || request.method === 'HEAD') {
        data.body.resume();
        return { ok: true, response: new Response(null, { status: data.statusCode, headers }) };
      }
      // Node's Response accepts an async iterable body, so the upstream stream flows through
      // without buffering.
      return { ok: true, response: new Response(data.body as unknown as BodyInit, { status: data.statusCode, headers }) };
    },
    close: () => agent.close(),
  };
}
