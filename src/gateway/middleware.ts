/**
 * The gateway's verifier as middleware, in three flavours over the same shape rules and
 * verification: Express/Connect, a Fastify plugin, and the Web-standard
 * `(Request) => Promise<Response | undefined>` for Hono, Next.js route handlers and workers
 * (`undefined` means "verified, carry on"). A refusal is the same status, headers and text or
 * JSON body the gateway sends; by default only GET and HEAD pass (`methods` widens it).
 *
 * Node frameworks hand over the raw request target (`req.url`), so signatures over quotes or
 * spaces verify exactly. Web runtimes only expose `request.url`, already normalised by WHATWG
 * URL parsing; URLs signed by mapsign are normalised already, so they are unaffected.
 */
// Type-only: brings Fastify's declarations in for the augmentation below; no runtime import.
import type {} from 'fastify';
import { verifyUrl } from '../api/node.js';
import type { VerifySuccess } from '../core/verify.js';
import { createFetchVerifierOver } from '../http/fetch-verifier.js';
import { renderRefusal, wantsJson, type Refusal } from '../http/refusal.js';
import type { VerifierOptions } from '../http/request-check.js';
import { createRequestVerifier, nodeRequestFacts, type NodeRequestLike } from './verifier.js';

export type { NodeRequestLike } from './verifier.js';

/** Express rewrites `url` under a mount path; the original target is in `originalUrl`. */
export interface ExpressRequestLike extends NodeRequestLike {
  readonly originalUrl?: string | undefined;
}

/** The parts of a Node response the Express middleware writes. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
  locals?: Record<string, unknown>;
}

function rendered(refusal: Refusal, req: NodeRequestLike): { status: number; headers: Readonly<Record<string, string>>; body: string } {
  const accept = req.headers['accept'];
  return renderRefusal(refusal, wantsJson(Array.isArray(accept) ? accept.join(', ') : accept));
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
  const verify = createFetchVerifierOver(options, verifyUrl);
  return async (request) => {
    const verdict = await verify(request);
    return verdict.ok ? undefined : verdict.response;
  };
}

/**
 * Express/Connect middleware: calls `next()` for a verified request (with the result in
 * `res.locals.mapsign` when `res.locals` exists) and answers the refusal otherwise.
 *
 * @example app.use(createExpressMiddleware({ credentials: cache.lookup }))
 */
export function createExpressMiddleware(options: VerifierOptions): (req: ExpressRequestLike, res: NodeResponseLike, next: (error?: unknown) => void) => void {
  const verify = createRequestVerifier(options);
  return (req, res, next) => {
    const verdict = verify(nodeRequestFacts(req, req.originalUrl ?? req.url ?? '/'));
    if (verdict.ok) {
      if (res.locals !== undefined) res.locals['mapsign'] = verdict.result;
      next();
      return;
    }
    const body = rendered(verdict.refusal, req);
    res.statusCode = body.status;
    for (const [name, value] of Object.entries(body.headers)) res.setHeader(name, value);
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
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike;
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
      const verdict = verify(nodeRequestFacts(request.raw));
      if (verdict.ok) {
        request.mapsign = verdict.result;
        return;
      }
      const body = rendered(verdict.refusal, request.raw);
      return reply.code(body.status).headers(body.headers).send(body.body);
    });
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'mapsign' });
}
