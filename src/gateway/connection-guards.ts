/**
 * What both `node:http` handlers — the gateway and `--auth-only` — do outside a request:
 * answer the bytes Node's parser refused with the refusal that names why (so a client learns
 * the same reason a parsed request would have got), and close a new connection that sends
 * nothing, which would otherwise hold a file descriptor for good.
 */
import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { renderRefusal, ruleRefusal, wantsJson, type Refusal } from '../http/refusal.js';
import type { RuleReason } from '../http/request-rules.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

const STATUS_TEXT: Readonly<Record<number, string | undefined>> = STATUS_CODES;

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

/** A refusal of bytes Node's parser would not take, as answered. */
export interface ParserRefusal {
  readonly refusal: Refusal;
  /** A new id: what such bytes carried is not believed. */
  readonly requestId: string;
  readonly bytes: number;
  readonly client: string | undefined;
}

/**
 * The `clientError` listener: `allow` is the `Allow` header for a refused method; `answered`
 * records each refusal it answers (`RequestEnd.parserRefused`), before the answer is written.
 *
 * @example server.on('clientError', createClientErrorHandler(screen.allow, end.parserRefused))
 */
export function createClientErrorHandler(allow: string, answered: (refused: ParserRefusal) => void): (error: Error, socket: Duplex) => void {
  return (error: Error & { code?: string; rawPacket?: Buffer }, socket) => {
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
    const refusal = ruleRefusal(reason, reason === 'METHOD_NOT_ALLOWED' ? allow : undefined);
    const accept = error.rawPacket === undefined ? undefined : /\r\naccept:[ \t]*([^\r\n]*)/i.exec(error.rawPacket.toString('latin1'))?.[1];
    const body = renderRefusal(refusal, wantsJson(accept));
    const requestId = requestIdFor(undefined, false);
    const bytes = Buffer.byteLength(body.body);
    answered({ refusal, requestId, bytes, client: (socket as Partial<Socket>).remoteAddress });
    const head = Object.entries({ ...body.headers, 'content-length': String(bytes), [REQUEST_ID_HEADER]: requestId, connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.end(`HTTP/1.1 ${body.status} ${STATUS_TEXT[body.status] ?? 'Bad Request'}\r\n${head.join('')}\r\n${body.body}`);
  };
}

/** Closes new connections that stay silent. */
export interface SilenceGuard {
  /** The `connection` listener. */
  handleConnection(socket: Socket): void;
  /** A request arrived on `socket`: its silence timer is done (Node times keep-alive itself). */
  heard(socket: Socket): void;
}

/**
 * Closes a new connection that sends no request within `ms`. Node's header timeout starts with
 * the first byte, so without it a connection that sends nothing stays open.
 *
 * @example const silence = createSilenceGuard(10_000); server.on('connection', silence.handleConnection)
 */
export function createSilenceGuard(ms: number): SilenceGuard {
  const silent = new WeakSet<object>();
  return {
    handleConnection(socket) {
      silent.add(socket);
      socket.setTimeout(ms, () => {
        if (silent.has(socket)) socket.destroy();
      });
    },
    heard(socket) {
      if (silent.delete(socket)) socket.setTimeout(0);
    },
  };
}
