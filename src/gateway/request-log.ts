/**
 * One structured JSON line per request, with the fields an operator's access log has: method,
 * path, status, reason code, credential id, latency, the client's address, referrer and user
 * agent, the response body's bytes, the upstream's status and the request id.
 *
 * Nothing here ever holds a secret or a signature: the path is logged without its query
 * (which carries the signature), the referrer as its origin and path only (its query may
 * carry another signed URL, or a session token), and the text a client chose (user agent,
 * channel) bounded in length and escaped by the logger's `stringify`.
 */
import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../http/client-address.js';
import type { Outcome } from './outcome.js';

/** What is logged about one request. */
export interface RequestLogEntry {
  readonly method: string;
  /** Path only, never the query. */
  readonly path: string;
  readonly status: number;
  /** `ok`, the refusal's reason, or why a verified request got no answer. */
  readonly outcome: Outcome;
  readonly credential?: string | undefined;
  readonly channel?: string | undefined;
  readonly ms: number;
  /** The id sent upstream and to the client as `X-Request-Id`. */
  readonly requestId?: string | undefined;
  /** The peer's address, or the client a trusted proxy forwarded for. */
  readonly client?: string | undefined;
  /** The `Referer`'s origin and path, never its query. */
  readonly referrer?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Response body bytes sent to the client. */
  readonly bytes?: number | undefined;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number | undefined;
}

/** Receives request log entries. */
export type RequestLogger = (entry: RequestLogEntry) => void;

/**
 * Writes entries as JSON lines with a timestamp; `stringify` may escape more than JSON does
 * (the CLI escapes C1 and bidi controls, since a channel is chosen by the client).
 *
 * @example createJsonLogger(process.stdout)({ method: 'GET', path: '/tiles/1/2/3.png', status: 200, outcome: 'ok', ms: 1.3 })
 */
export function createJsonLogger(stream: NodeJS.WritableStream, stringify: (value: unknown) => string = JSON.stringify): RequestLogger {
  return (entry) => {
    stream.write(`${stringify({ time: new Date().toISOString(), ...entry, ms: Math.round(entry.ms * 100) / 100 })}\n`);
  };
}

/** Sends every entry to each of `loggers` that is set; `undefined` when none is. */
export function allOf(...loggers: readonly (RequestLogger | undefined)[]): RequestLogger | undefined {
  const set = loggers.filter((logger) => logger !== undefined);
  if (set.length < 2) return set[0];
  return (entry) => {
    for (const logger of set) logger(entry);
  };
}

/** The path part of a raw request target. */
export function pathOf(target: string): string {
  const cut = target.indexOf('?');
  return cut < 0 ? target : target.slice(0, cut);
}

/** Longest user agent and referrer logged: enough for any real one, too little to flood a log. */
const MAX_TEXT = 512;

/**
 * A `Referer` as logged: its origin and path, without user info, query or fragment;
 * `undefined` when it is not an http(s) URL.
 *
 * @example referrerOf('https://app.example.com/map?session=s3cret') // 'https://app.example.com/map'
 */
export function referrerOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return `${url.origin}${url.pathname}`.slice(0, MAX_TEXT);
}

/**
 * What the log says about who sent `req`: address (read as `--allow-ip` reads it, through the
 * proxies `trusts` names), referrer and user agent.
 */
export function requesterFields(req: IncomingMessage, trusts: (address: string) => boolean): Pick<RequestLogEntry, 'client' | 'referrer' | 'userAgent'> {
  const { headers } = req;
  return {
    client: clientAddress(req.socket.remoteAddress, headers['x-forwarded-for'], trusts),
    referrer: referrerOf(headers.referer),
    userAgent: headers['user-agent']?.slice(0, MAX_TEXT),
  };
}
