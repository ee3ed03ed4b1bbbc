/**
 * A raw-socket upstream for the gateway's security tests: a `net.Server` that parses just
 * enough HTTP/1.1 to record what the gateway really sent — the exact request line, every header
 * line with its name as sent and in order, and the body bytes (chunked framing decoded, the raw
 * bytes kept too) — and answers as the test asks: a fixed response, slow headers, a body
 * streamed in N chunks with delays, headers and then a stalled body, or never. It records when
 * each of its sockets opened and closed, so a test can tell whether the gateway released an
 * upstream request. A record is made as soon as a request's head is complete, so "nothing
 * reached the upstream" also covers requests whose body never finished. Not a test file itself.
 */
import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

/** One TCP connection the gateway opened to the upstream. */
export interface UpstreamSocket {
  readonly id: number;
  readonly openedAt: number;
  /** `performance.now()` when it closed; `undefined` while open. */
  closedAt: number | undefined;
  /** Raw bytes received on it. */
  bytesIn: number;
}

/** What the upstream received of one request. */
export interface UpstreamRequest {
  readonly socket: UpstreamSocket;
  /** The request line exactly as sent, without CRLF: `GET /a?b HTTP/1.1`. */
  readonly requestLine: string;
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** Header lines in order, names as sent (not lower-cased), values trimmed of surrounding blanks. */
  readonly headerLines: readonly (readonly [string, string])[];
  /** The body: decoded from chunked framing when chunked, else the bytes as sent. Grows as it arrives. */
  body: Buffer;
  /** The body bytes as they came on the wire (chunk sizes included). */
  rawBody: Buffer;
  /** True once the whole body (per its framing) has arrived. */
  complete: boolean;
  readonly receivedAt: number;
  /** Values of every header line named `name` (case-insensitive), in order. */
  all(name: string): string[];
  /** The first value of `name` (case-insensitive), or `undefined`. */
  header(name: string): string | undefined;
}

/** How the upstream answers one request. */
export type UpstreamReply =
  | { readonly kind: 'fixed'; readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string | Buffer; readonly delayMs?: number }
  /** `chunks` × `chunkBytes` bytes, one chunk every `delayMs`, with a Content-Length (or chunked). */
  | { readonly kind: 'stream'; readonly chunks: number; readonly chunkBytes: number; readonly delayMs: number; readonly chunked?: boolean }
  /** A 200 head announcing a long body, `firstBytes` of it, then nothing more. */
  | { readonly kind: 'headers-then-stall'; readonly firstBytes?: number }
  /** Reads the request and never answers. */
  | { readonly kind: 'never' };

/** A running raw upstream. */
export interface RawUpstream {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `127.0.0.1:PORT`, what the gateway must send as `Host`. */
  readonly host: string;
  readonly port: number;
  readonly requests: UpstreamRequest[];
  readonly sockets: UpstreamSocket[];
  /** Chooses the answer for each request; replace it at any time. Default: 200 `ok`. */
  reply: (request: UpstreamRequest) => UpstreamReply;
  /** True once at least `count` requests have arrived, polled for at most `ms`. */
  waitForRequests(count: number, ms: number): Promise<boolean>;
  /** True once `socket` has closed, polled for at most `ms`. */
  waitForClose(socket: UpstreamSocket, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 256 * 1024;

function makeRequest(socket: UpstreamSocket, head: string): UpstreamRequest {
  const lines = head.split('\r\n');
  const requestLine = lines[0] ?? '';
  const [method = '', target = '', version = ''] = requestLine.split(' ');
  const headerLines: (readonly [string, string])[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) headerLines.push([line, '']);
    else headerLines.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const all = (name: string): string[] => headerLines.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return { socket, requestLine, method, target, version, headerLines, body: Buffer.alloc(0), rawBody: Buffer.alloc(0), complete: false, receivedAt: performance.now(), all, header: (name) => all(name)[0] };
}

/** Where the chunked body in `data` ends (after the last CRLF), with the decoded bytes; `undefined` if incomplete. */
function decodeChunked(data: Buffer): { end: number; body: Buffer } | { partial: Buffer } | 'invalid' {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return { partial: Buffer.concat(parts) };
    const sizeText = data.subarray(at, eol).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return 'invalid';
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // Trailers, then an empty line.
      let trailerAt = eol + 2;
      for (;;) {
        const next = data.indexOf('\r\n', trailerAt);
        if (next < 0) return { partial: Buffer.concat(parts) };
        if (next === trailerAt) return { end: next + 2, body: Buffer.concat(parts) };
        trailerAt = next + 2;
      }
    }
    if (data.length < eol + 2 + size + 2) {
      parts.push(data.subarray(eol + 2, Math.min(data.length, eol + 2 + size)));
      return { partial: Buffer.concat(parts) };
    }
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/**
 * Starts a raw upstream on loopback, closed after the test.
 *
 * @example const upstream = await startRawUpstream(t); upstream.reply = () => ({ kind: 'never' })
 */
export async function startRawUpstream(t: TestContext, reply?: (request: UpstreamRequest) => UpstreamReply): Promise<RawUpstream> {
  const requests: UpstreamRequest[] = [];
  const sockets: UpstreamSocket[] = [];
  const open = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };

  const answer = (socket: Socket, request: UpstreamRequest, done: () => void): void => {
    const how = upstream.reply(request);
    const isHead = request.method === 'HEAD';
    const write = (data: string | Buffer): boolean => !socket.destroyed && socket.write(data);
    switch (how.kind) {
      case 'never':
        return;
      case 'fixed': {
        const body = Buffer.from(how.body ?? 'ok');
        const send = (): void => {
          const headers = { 'content-type': 'text/plain', 'content-length': String(body.length), ...how.headers };
          write(`HTTP/1.1 ${how.status ?? 200} Upstream\r\n${Object.entries(headers).map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`);
          if (!isHead) write(body);
          done();
        };
        if (how.delayMs === undefined) send();
        else later(how.delayMs, send);
        return;
      }
      case 'headers-then-stall': {
        const first = how.firstBytes ?? 16;
        write(`HTTP/1.1 200 Upstream\r\ncontent-type: application/octet-stream\r\ncontent-length: 10000000\r\n\r\n`);
        if (!isHead) write(Buffer.alloc(first, 0x61));
        return;
      }
      case 'stream': {
        const chunk = Buffer.alloc(how.chunkBytes, 0x62);
        const framing = how.chunked === true ? 'transfer-encoding: chunked' : `content-length: ${how.chunks * how.chunkBytes}`;
        write(`HTTP/1.1 200 Upstream\r\ncontent-type: application/octet-stream\r\n${framing}\r\n\r\n`);
        if (isHead) {
          done();
          return;
        }
        let sent = 0;
        const next = (): void => {
          if (socket.destroyed) return;
          if (sent === how.chunks) {
            if (how.chunked === true) write('0\r\n\r\n');
            done();
            return;
          }
          sent += 1;
          write(how.chunked === true ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
          later(how.delayMs, next);
        };
        next();
        return;
      }
    }
  };

  const server = createServer((socket) => {
    open.add(socket);
    const info: UpstreamSocket = { id: sockets.length, openedAt: performance.now(), closedAt: undefined, bytesIn: 0 };
    sockets.push(info);
    let buffer = Buffer.alloc(0);
    let current: { request: UpstreamRequest; framing: 'none' | 'chunked' | number } | undefined;
    let busy = false;
    const pump = (): void => {
      while (!busy && !socket.destroyed) {
        if (current === undefined) {
          const end = buffer.indexOf(HEAD_END);
          if (end < 0) {
            if (buffer.length > MAX_HEAD) socket.destroy();
            return;
          }
          const request = makeRequest(info, buffer.subarray(0, end).toString('latin1'));
          buffer = buffer.subarray(end + 4);
          requests.push(request);
          const te = request.all('transfer-encoding').join(',').toLowerCase();
          const length = request.header('content-length');
          current = { request, framing: te.includes('chunked') ? 'chunked' : length !== undefined ? Number(length) : 'none' };
        }
        const { request, framing } = current;
        if (framing === 'chunked') {
          const decoded = decodeChunked(buffer);
          if (decoded === 'invalid') {
            socket.destroy();
            return;
          }
          if ('partial' in decoded) {
            request.body = decoded.partial;
            request.rawBody = buffer;
            return;
          }
          request.body = decoded.body;
          request.rawBody = buffer.subarray(0, decoded.end);
          buffer = buffer.subarray(decoded.end);
        } else if (typeof framing === 'number' && framing > 0) {
          if (buffer.length < framing) {
            request.body = buffer;
            request.rawBody = buffer;
            return;
          }
          request.body = buffer.subarray(0, framing);
          request.rawBody = request.body;
          buffer = buffer.subarray(framing);
        }
        request.complete = true;
        current = undefined;
        busy = true;
        answer(socket, request, () => {
          busy = false;
          setImmediate(pump);
        });
      }
    };
    socket.on('data', (data: Buffer) => {
      info.bytesIn += data.length;
      buffer = Buffer.concat([buffer, data]);
      pump();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      info.closedAt = performance.now();
      open.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const poll = async (check: () => boolean, ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  };
  let closed: Promise<void> | undefined;
  const upstream: RawUpstream = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    sockets,
    reply: reply ?? (() => ({ kind: 'fixed' })),
    waitForRequests: (count, ms) => poll(() => requests.length >= count, ms),
    waitForClose: (socket, ms) => poll(() => socket.closedAt !== undefined, ms),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      })),
  };
  t.after(() => upstream.close());
  return upstream;
}
