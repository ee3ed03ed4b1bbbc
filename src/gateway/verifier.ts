/**
 * The one synchronous request verifier under the Node gateway and the Node middleware: the
 * shared shape rules (src/http/request-check.ts), then the core's `verifyUrl` on the raw
 * request target as the client sent it, over `node:crypto`.
 */
import type { IncomingMessage } from 'node:http';
import { verifyUrl } from '../api/node.js';
import type { HeaderReader } from '../http/origin.js';
import { conclude, createRequestScreen, type RequestFacts, type RequestScreen, type Verdict, type VerifierOptions } from '../http/request-check.js';

export type { Accepted, Refused, Verdict } from '../http/request-check.js';

/** Verifies one request. */
export type RequestVerifier = (facts: RequestFacts) => Verdict;

/**
 * Creates the request verifier over `screen` (made from `options` when not given); throws a
 * `TypeError` for a bad method list.
 *
 * @example
 * const verify = createRequestVerifier({ credentials: cache.lookup, publicUrl: 'https://tiles.example.com' })
 * verify(nodeRequestFacts(req))
 */
export function createRequestVerifier(options: VerifierOptions, screen: RequestScreen = createRequestScreen(options)): RequestVerifier {
  const source = options.credentials;
  return (facts) => {
    const screened = screen(facts);
    return screened.ok ? conclude(verifyUrl(screened.url, source, screened.options), screened) : screened;
  };
}

/** Adapts Node's lower-cased header object to a {@link HeaderReader}. */
function nodeHeaderReader(headers: Readonly<Record<string, string | string[] | undefined>>): HeaderReader {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

/** True when a Node request declares a body: a transfer coding or a length above 0. */
function declaresBody(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The parts of a Node request the verifier reads (Express, Connect and Fastify's `raw` have them). */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly httpVersion?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawHeaders?: readonly string[] | undefined;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** Counts the `Host` lines of a request; two are refused like a malformed one. */
function hostCount(rawHeaders: readonly string[] | undefined): number {
  if (rawHeaders === undefined) return 1;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.length === 4 && rawHeaders[i]!.toLowerCase() === 'host') count++;
  return count;
}

/**
 * Describes a Node request for the verifier, from its raw target (`target`, default `req.url`).
 *
 * @example verify(nodeRequestFacts(req))
 */
export function nodeRequestFacts(req: NodeRequestLike | IncomingMessage, target = req.url ?? '/'): RequestFacts {
  const headers = req.headers;
  const header = nodeHeaderReader(headers);
  // Node keeps the first of two Host lines; both must not be read as one, so two are invalid.
  const hosts = hostCount(req.rawHeaders);
  return {
    method: req.method ?? 'GET',
    target,
    header: hosts > 1 ? (name) => (name === 'host' ? '' : header(name)) : header,
    peer: req.socket.remoteAddress,
    hasBody: declaresBody(headers),
    version: req.httpVersion,
  };
}
