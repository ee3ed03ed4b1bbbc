/**
 * One structured JSON line per request: status, reason code, credential id, latency. The path
 * is logged without its query, because the query carries the signature; nothing here ever
 * holds a secret.
 */
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

/** The path part of a raw request target. */
export function pathOf(target: string): string {
  const cut = target.indexOf('?');
  return cut < 0 ? target : target.slice(0, cut);
}
