/**
 * Request verification for runtimes that hand over a WHATWG `Request` — workers, Deno, Bun,
 * Next.js route handlers, Hono: the same shape rules and refusals as the Node gateway, over
 * whichever `verifyUrl` the runtime has (WebCrypto's asynchronous one in `mapsign/web`, the
 * synchronous one on Node). Runtimes give only `request.url`, already normalised by WHATWG URL
 * parsing: a target with raw spaces or quotes arrives re-encoded and will not verify (the Node
 * gateway, which reads the raw request line, is the tool for such clients).
 */
import type { VerifyOptions, VerifyResult, VerifySource, VerifySuccess } from '../core/verify.js';
import { AUTH_PARAMS, stripParams, upstreamUrl } from './auth-params.js';
import { connectionTokens, isForwardableRequestHeader, proxyHeaders } from './forward-rules.js';
import { renderRefusal, wantsJson, type Refusal } from './refusal.js';
import { conclude, createRequestScreen, type VerifierOptions } from './request-check.js';

/** A request that verified. */
export interface FetchAccepted {
  readonly ok: true;
  readonly result: VerifySuccess;
  /** The target as verified, `/path?query`. */
  readonly target: string;
  /**
   * The URL to forward to `upstream` (origin and base path): the verified target without
   * `client`, `key` and `signature`.
   */
  upstreamUrl(upstream: string): string;
  /**
   * The headers to forward: the request's, less hop-by-hop, `Proxy-*`, `_` names and a client's
   * copies of the proxy's own headers, plus the verified credential and the public origin (the
   * same rules as the Node gateway). `Host` is left to the runtime's `fetch`.
   */
  upstreamHeaders(): Headers;
}

/** A request that did not, with the refusal and the `Response` to send for it. */
export interface FetchRefused {
  readonly ok: false;
  readonly refusal: Refusal;
  readonly response: Response;
}

/** The verdict on one `Request`. */
export type FetchVerdict = FetchAccepted | FetchRefused;

/** A `verifyUrl`, synchronous or not. */
export type UrlVerifier = (url: string, source: VerifySource, options?: VerifyOptions) => VerifyResult | Promise<VerifyResult>;

function refused(refusal: Refusal, request: Request): FetchRefused {
  const body = renderRefusal(refusal, wantsJson(request.headers.get('accept') ?? undefined));
  return { ok: false, refusal, response: new Response(body.body, { status: body.status, headers: body.headers }) };
}

/**
 * Creates a verifier of `Request`s over `verifyUrl`; `mapsign/web` exports it bound to WebCrypto
 * as `createFetchVerifier(options)`.
 *
 * @example
 * const verify = createFetchVerifierOver(options, verifyUrl)
 * const verdict = await verify(request)
 * if (!verdict.ok) return verdict.response
 * return fetch(verdict.upstreamUrl('https://tiles.internal'), { method: request.method, headers: verdict.upstreamHeaders() })
 */
export function createFetchVerifierOver(options: VerifierOptions, verifyUrl: UrlVerifier): (request: Request) => Promise<FetchVerdict> {
  const screen = createRequestScreen(options);
  const source = options.credentials;
  return async (request) => {
    const url = request.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    const target = pathStart < 0 ? '/' : url.slice(pathStart);
    const origin = pathStart < 0 ? url : url.slice(0, pathStart);
    const screened = screen({
      method: request.method,
      target,
      // A Request made in code has no Host header: its URL names the host.
      header: (name) => request.headers.get(name) ?? (name === 'host' ? origin.slice(origin.indexOf('//') + 2) : undefined),
      peer: undefined,
      hasBody: request.body !== null,
      origin,
    });
    if (!screened.ok) return refused(screened.refusal, request);
    const verdict = conclude(await verifyUrl(screened.url, source, screened.options), screened);
    if (!verdict.ok) return refused(verdict.refusal, request);
    const { result } = verdict;
    return {
      ok: true,
      result,
      target,
      upstreamUrl: (upstream) => upstreamUrl(upstream, stripParams(target, AUTH_PARAMS)),
      upstreamHeaders: () => {
        const named = connectionTokens(request.headers.get('connection'));
        const headers = new Headers();
        request.headers.forEach((value, name) => {
          if (isForwardableRequestHeader(name, named, false)) headers.append(name, value);
        });
        for (const [name, value] of proxyHeaders(verdict.origin, result.credentialId)) headers.set(name, value);
        return headers;
      },
    };
  };
}
