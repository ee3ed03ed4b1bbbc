/**
 * The gateway's verifier as middleware, in three flavours over the one
 * {@link createRequestVerifier}: Express/Connect, a Fastify plugin, and the Web-standard
 * `(Request) => Promise<Response | undefined>` for Hono, Next.js route handlers and workers
 * (`undefined` means "verified, carry on"). A refusal is the same 400/403/414 text or JSON
 * body the gateway sends.
 *
 * Node frameworks hand over the raw request target (`req.url`), so signatures over quotes or
 * spaces verify exactly. Web runtimes only expose `request.url`, already normalised by WHATWG
 * URL parsing; URLs signed by mapsign are normalised already, so they are unaffected.
 */
// Type-only: brings Fastify's declarations in for the augmentation below; no runtime import.
import type {} from 'fastify';
import type { VerifySuccess } from '../index.js';
import { renderRefusal, wantsJson } from './refusal.js';
import { createRequestVerifier, nodeHeaderReader, type VerifierOptions } from './verifier.js';

/** The parts of a Node request the middleware reads (Express, Connect and Fastify's `raw`). */
export interface NodeRequestLike {
  readonly url?: string | undefined;
  /** Express rewrites `url` under a mount path; the original target is here. */
  readonly originalUrl?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** The parts of a Node response the Express middleware writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
  locals?: Record<string, unknown>;
}

/**
 * Web-standard middleware: resolves to a refusal `Response`, or `undefined` when the request
 * verified.
 *
 * @example
 * const check = createWebMiddleware({ credentials: { scheme: 'google', id: 'gme-acme', secrets: [secret] } })
 * export async function GET(request: Request) { return (await check(request)) ?? new Response('tile') }
 */
export function createWebMiddleware(options: VerifierOptions): (request: Request) => Promise<Response | undefined> {
  const verify = createRequestVerifier(options);
  return async (request) => {
    const url = request.url;
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const verdict = verify(start < 0 ? '/' : url.slice(start), (name) => request.headers.get(name) ?? undefined, undefined);
    if (verdict.ok) return undefined;
    const body = renderRefusal(verdict, wantsJson(request.headers.get('accept') ?? undefined));
    return new Response(body.body, { status: body.status, headers: { 'content-type': body.contentType, 'x-content-type-options': 'nosniff' } });
  };
}

/**
 * Express/Connect middleware: calls `next()` for a verified request (with the result in
 * `res.locals.mapsign` when `res.locals` exists) and answers the refusal otherwise.
 *
 * @example app.use(createExpressMiddleware({ credentials: cache.lookup }))
 */
export function createExpressMiddleware(options: VerifierOptions): (req: NodeRequestLike, res: NodeResponseLike, next: (error?: unknown) => void) => void {
  const verify = createRequestVerifier(options);
  return (req, res, next) => {
    const verdict = verify(req.originalUrl ?? req.url ?? '/', nodeHeaderReader(req.headers), req.socket.remoteAddress);
    if (verdict.ok) {
      if (res.locals !== undefined) res.locals['mapsign'] = verdict.result;
      next();
      return;
    }
    const body = renderRefusal(verdict, wantsJson(nodeHeaderReader(req.headers)('accept')));
    res.statusCode = body.status;
    res.setHeader('content-type', body.contentType);
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(body.body);
  };
}

// Types `request.mapsign` in Fastify handlers (the plugin decorates every request with it).
declare module 'fastify' {
  interface FastifyRequest {
    /** What `createFastifyPlugin` verified for this request; `null` until it has run. */
    mapsign: VerifySuccess | null;
  }
}

/** The parts of Fastify the plugin uses. */
export interface FastifyLike {
  decorateRequest(name: string, value: unknown): unknown;
  addHook(name: 'onRequest', hook: (request: { raw: NodeRequestLike; mapsign?: VerifySuccess | null }, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

/** The parts of a Fastify reply the plugin uses. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: string): unknown;
}

/**
 * A Fastify plugin verifying every request of the instance it is registered on; verified
 * results are in `request.mapsign`. Marked to skip encapsulation (as `fastify-plugin` does) so
 * it covers routes declared beside it.
 *
 * @example await app.register(createFastifyPlugin({ credentials: cache.lookup }))
 */
export function createFastifyPlugin(options: VerifierOptions): ((fastify: FastifyLike) => Promise<void>) & { [key: symbol]: unknown } {
  const verify = createRequestVerifier(options);
  const plugin = async (fastify: FastifyLike): Promise<void> => {
    fastify.decorateRequest('mapsign', null);
    fastify.addHook('onRequest', async (request, reply) => {
      const raw = request.raw;
      const verdict = verify(raw.url ?? '/', nodeHeaderReader(raw.headers), raw.socket.remoteAddress);
      if (verdict.ok) {
        request.mapsign = verdict.result;
        return;
      }
      const body = renderRefusal(verdict, wantsJson(nodeHeaderReader(raw.headers)('accept')));
      return reply.code(body.status).header('content-type', body.contentType).header('x-content-type-options', 'nosniff').send(body.body);
    });
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'mapsign' });
}
