/**
 * The one request verifier under the gateway and every middleware flavour: takes the raw
 * request target as the client sent it, finds the public origin, runs the core's `verifyUrl`
 * and maps a failure to its HTTP status (414 too long, 400 unparseable, 403 otherwise).
 */
import { verifyUrl, type VerifyFailure, type VerifyReason, type VerifySource, type VerifySuccess } from '../index.js';
import { createOriginResolver, type HeaderReader, type OriginOptions } from './origin.js';

/** Options shared by the gateway and the middleware. */
export interface VerifierOptions extends OriginOptions {
  /** One credential, a stored record, or a lookup (e.g. `CredentialCache.lookup`). */
  readonly credentials: VerifySource;
  /** Longest request target accepted; default 2048 (seed 002). */
  readonly maxUrlLength?: number;
}

/** A request that verified. */
export interface Accepted {
  readonly ok: true;
  readonly result: VerifySuccess;
}

/** A request that did not, with the status to answer. */
export interface Refused {
  readonly ok: false;
  readonly status: 400 | 403 | 414;
  readonly failure: VerifyFailure;
}

/** The verdict on one request. */
export type Verdict = Accepted | Refused;

/** Verifies one request: raw target (`/path?query` exactly as received), headers, TCP peer. */
export type RequestVerifier = (target: string, header: HeaderReader, peer: string | undefined) => Verdict;

const STATUS: Partial<Record<VerifyReason, 400 | 414>> = { URL_TOO_LONG: 414, MALFORMED_URL: 400 };

/**
 * Creates the request verifier.
 *
 * @example
 * const verify = createRequestVerifier({ credentials: cache.lookup, publicUrl: 'https://tiles.example.com' })
 * verify(req.url, (name) => req.headers[name] as string | undefined, req.socket.remoteAddress)
 */
export function createRequestVerifier(options: VerifierOptions): RequestVerifier {
  const originOf = createOriginResolver(options);
  const maxLength = options.maxUrlLength;
  const source = options.credentials;
  return (target, header, peer) => {
    const result = verifyUrl(target, source, { origin: originOf(header, peer), ...(maxLength === undefined ? {} : { maxLength }) });
    if (result.valid) return { ok: true, result };
    return { ok: false, status: STATUS[result.reason] ?? 403, failure: result };
  };
}

/** Adapts Node's lower-cased header object to a {@link HeaderReader}. */
export function nodeHeaderReader(headers: Readonly<Record<string, string | string[] | undefined>>): HeaderReader {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}
