/**
 * The Node adapter: serves a `fetch`-style handler over `node:http`, on a TCP port or a unix
 * socket, and drains on close — it stops accepting connections, lets in-flight requests
 * finish (up to a deadline), then ends what is left.
 *
 * It passes the raw request target (`req.url`, exactly the bytes on the request line) to the
 * handler, since the signature covers those bytes and `Request.url` would be re-encoded.
 * Refusals from `precheck` go through the refusal throttle, when one is given, so a connection
 * that keeps sending bad signatures is answered ever more slowly; closing answers them at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { FetchHandler, Precheck } from './handler.js';
import { refusalHeaders } from './refusal.js';
import type { RefusalThrottle } from './refusal-throttle.js';
import { nodeHeaderReader } from './verifier.js';

/** Where to listen: a TCP port (0 for any) on a host, or a unix socket path. */
export type ListenTarget = { readonly port: number; readonly host?: string } | { readonly path: string };

/** A running server. */
export interface RunningServer {
  readonly server: Server;
  /** `http://127.0.0.1:8787` or the socket path. */
  readonly address: string;
  /** Stops accepting, waits up to `drainMs` (default 10 s) for in-flight requests, then closes. */
  close(drainMs?: number): Promise<void>;
}

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
 * Serves `handler` and resolves once listening. With `precheck` (the gateway's), refusals are
 * answered straight from the raw request, before any `Request` is built — through `throttle`
 * when given.
 *
 * @example const running = await serveFetch(gateway.fetch, { port: 8787, host: '127.0.0.1' }, gateway.precheck, createRefusalThrottle())
 */
export async function serveFetch(handler: FetchHandler, listen: ListenTarget, precheck?: Precheck, throttle?: RefusalThrottle): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    const onError = (): void => {
      // The response has started or the client left: nothing useful can be sent any more.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('500 Internal Server Error\n');
      } else res.destroy();
    };
    const peer = req.socket.remoteAddress;
    const checked = precheck?.(req.method ?? 'GET', req.url ?? '/', nodeHeaderReader(req.headers), peer);
    if (checked !== undefined && 'refusal' in checked) {
      const { refusal } = checked;
      const answer = (): void => void res.writeHead(refusal.status, refusalHeaders(refusal)).end(refusal.body);
      if (throttle === undefined) answer();
      else throttle.refuse(req.socket, answer);
      return;
    }
    if (checked?.ticket !== undefined) throttle?.pass(req.socket);
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('400 Bad Request: the request cannot be parsed.\n');
      return;
    }
    const context = { rawTarget: req.url ?? '/', ...(peer === undefined ? {} : { remoteAddress: peer }), ...(checked?.ticket === undefined ? {} : { ticket: checked.ticket }) };
    handler(request, context).then((response) => send(response, res)).catch(onError);
  });
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
    close: (drainMs = 10_000) =>
      new Promise<void>((resolve) => {
        // A refusal waiting out its delay must not hold shutdown: answer them all now.
        throttle?.flush();
        const closed = new Promise<void>((done) => server.close(() => done()));
        // Keep-alive connections become idle as their last response ends; close them as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
        server.closeIdleConnections();
        void closed.then(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
      }),
  };
}
