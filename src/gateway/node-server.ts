/**
 * `node:http` plumbing shared by the gateway and the admin API: listening on a TCP port or a
 * unix socket, draining on close — stop accepting, let in-flight requests finish up to a
 * deadline, then end what is left — and serving a `fetch`-style handler for the routes that
 * are not on the hot path (the admin API, `/healthz`, the debugger page).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** What a `fetch`-style handler may know of the connection besides the request. */
export interface ClientInfo {
  /** The peer's address, or `unix socket` for a unix socket (which has none). */
  readonly address: string;
}

/** A `fetch`-style handler, for routes off the hot path; `client` is given when served by Node. */
export type FetchHandler = (request: Request, client?: ClientInfo) => Promise<Response>;

/** The `/healthz` route unless a store gives its own: `{"status":"ok"}`, never cached. */
export const defaultHealthz: FetchHandler = async () => new Response('{"status":"ok"}\n', { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * The route for `path`: one given by its exact path, which also serves the paths under it
 * (`/debugger` serves `/debugger/app.js`).
 *
 * @example findRoute({ '/healthz': defaultHealthz }, pathOf(req.url ?? '/'))
 */
export function findRoute(routes: Readonly<Record<string, FetchHandler>>, path: string): FetchHandler | undefined {
  for (const prefix in routes) if (path === prefix || path.startsWith(`${prefix}/`)) return routes[prefix];
  return undefined;
}

/** Where to listen: a TCP port (0 for any) on a host, or a unix socket path. */
export type ListenTarget = { readonly port: number; readonly host?: string | undefined } | { readonly path: string };

/** A running server. */
export interface RunningServer {
  readonly server: Server;
  /** `http://127.0.0.1:8787` or the socket path. */
  readonly address: string;
  /**
   * Stops accepting and waits up to `drainMs` (default 10 s) for in-flight requests; then
   * calls `onDeadline` (to end what is still running) and closes every connection.
   */
  close(drainMs?: number, onDeadline?: () => void): Promise<void>;
}

/** Builds a WHATWG `Request` from a Node request (slow path: routes and the admin API only). */
function toRequest(req: IncomingMessage): Request {
  const target = req.url ?? '/';
  let url: URL;
  try {
    url = new URL(target.startsWith('/') ? target : '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    url = new URL('http://localhost/');
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch {
      // A header value fetch refuses (e.g. control bytes) is dropped rather than failing the request.
    }
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const head: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') head.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) head.push('set-cookie', cookie);
  res.writeHead(response.status, head);
  if (response.body === null) {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

/**
 * Answers one Node request with a `fetch`-style handler; never throws.
 *
 * @example answerWithFetch(debuggerRoute, req, res)
 */
export function answerWithFetch(handler: FetchHandler, req: IncomingMessage, res: ServerResponse): void {
  const failed = (): void => {
    if (res.headersSent) res.destroy();
    else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('500 Internal Server Error\n');
  };
  let request: Request;
  try {
    request = toRequest(req);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('400 Bad Request: the request cannot be parsed.\n');
    return;
  }
  handler(request, { address: req.socket.remoteAddress ?? 'unix socket' }).then((response) => send(response, res)).catch(failed);
}

/**
 * Listens with `server` on `listen` and returns it with a draining `close`.
 *
 * @example const running = await listenOn(createServer(listener), { port: 8787, host: '127.0.0.1' })
 */
export async function listenOn(server: Server, listen: ListenTarget): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in listen) server.listen(listen.path, resolve);
    else server.listen(listen.port, listen.host ?? '127.0.0.1', resolve);
  });
  const info = server.address();
  const address = typeof info === 'string' ? info : `http://${(info as AddressInfo).family === 'IPv6' ? `[${(info as AddressInfo).address}]` : (info as AddressInfo).address}:${(info as AddressInfo).port}`;
  return {
    server,
    address,
    close: (drainMs = 10_000, onDeadline) =>
      new Promise<void>((resolve) => {
        const closed = new Promise<void>((done) => server.close(() => done()));
        // Keep-alive connections become idle as their last response ends; close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => {
          onDeadline?.();
          server.closeAllConnections();
        }, drainMs);
        server.closeIdleConnections();
        void closed.then(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
      }),
  };
}

/**
 * Serves a `fetch`-style handler (the admin API) and resolves once listening.
 *
 * @example const running = await serveFetch(createAdminApi({ store, token }), { path: '/run/mapsign.sock' })
 */
export function serveFetch(handler: FetchHandler, listen: ListenTarget): Promise<RunningServer> {
  const listener: RequestListener = (req, res) => answerWithFetch(handler, req, res);
  return listenOn(createServer({ keepAliveTimeout: 5000 }, listener), listen);
}
