/**
 * The signing service on Node servers: a `node:http`/Express/Connect handler and a Fastify
 * plugin. They hand the core (`service.ts`) the request's facts as Node has them — the target
 * relative to the mount point, the lower-cased headers, the socket's address (or, from a
 * trusted proxy, the `X-Forwarded-For` it appended) for the per-client limit — and write its answer straight back, with no `Request`/`Response` objects
 * in between; the answers are byte for byte the `fetch` handler's. They are typed by the shapes
 * they use, not by Node's types, so this folder stays runtime-neutral.
 */
import { clientAddress } from '../http/client-address.js';
import { createOriginResolver } from '../http/origin.js';
import { FAILED_ANSWER } from './refusals.js';
import { createSigningCore, type SignRequest, type SigningServiceOptions } from './service.js';

/** Options of the Node adapters: the service's, and which proxies report the client's address. */
export interface NodeSigningOptions extends SigningServiceOptions {
  /**
   * Peers (a reverse proxy, a CDN's edge) whose `X-Forwarded-For` names the client for the
   * per-client limit — its last entry, the one the proxy appended; `loopback` for 127.0.0.1
   * and ::1. Without it the socket's address is the client.
   */
  readonly trustProxy?: readonly string[] | undefined;
}

/** The parts of a Node/Express request the adapters read. */
export interface NodeLikeRequest {
  readonly method?: string | undefined;
  /** The target relative to the mount point (Express strips the mount path from `url`). */
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
}

/** The parts of a Node/Express response the adapter writes. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Reads the facts of Node requests; a repeated header reads as its values joined, as `Headers` does. */
function factsReader(options: NodeSigningOptions): (req: NodeLikeRequest, target: string) => SignRequest {
  const trusts = createOriginResolver({ trustProxy: options.trustProxy }).trusts;
  return (req, target) => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return value === undefined || typeof value === 'string' ? value : value.join(', ');
    };
    // The client the gateway's --allow-ip would check: behind trusted proxies, the nearest untrusted hop.
    const address = clientAddress(req.socket?.remoteAddress, req.headers['x-forwarded-for'], trusts);
    // Node reports IPv4 peers on a dual-stack socket as ::ffff:a.b.c.d.
    return { method: req.method ?? 'GET', target: target.startsWith('/') ? target : '/', header, clientAddress: address?.startsWith('::ffff:') === true ? address.slice(7) : address };
  };
}

/**
 * A `(req, res)` handler for `node:http`, Express and Connect. Mounted in Express
 * (`app.use('/sign', handler)`), routes are under the mount path.
 *
 * @example
 * app.use('/sign', createNodeSigningHandler({ policy, secrets: { MAPSIGN_SECRET: secret }, createSigner }))
 * // <img src="/sign/staticmap?center=48.85,2.35&size=600x300">
 */
export function createNodeSigningHandler(options: NodeSigningOptions): (req: NodeLikeRequest, res: NodeLikeResponse) => void {
  const core = createSigningCore(options);
  const facts = factsReader(options);
  return (req, res) => {
    void core(facts(req, req.url ?? '/'))
      .catch(() => FAILED_ANSWER)
      .then((answer) => {
        res.statusCode = answer.status;
        for (const name in answer.headers) res.setHeader(name, answer.headers[name]!);
        res.end(answer.body ?? undefined);
      });
  };
}

/** The parts of Fastify the plugin uses. */
export interface FastifySignerLike {
  route(options: { method: string[]; url: string; handler: (request: { raw: NodeLikeRequest; url: string }, reply: FastifySignerReplyLike) => Promise<unknown> }): unknown;
}

/** The parts of a Fastify reply the plugin uses. */
export interface FastifySignerReplyLike {
  code(status: number): FastifySignerReplyLike;
  headers(values: Readonly<Record<string, string>>): FastifySignerReplyLike;
  send(body?: string): unknown;
}

/**
 * A Fastify plugin serving the routes under the prefix it is registered with; Fastify answers
 * HEAD from the GET route.
 *
 * @example await app.register(createFastifySigningPlugin({ policy, secrets: { MAPSIGN_SECRET: secret } }), { prefix: '/sign' })
 */
export function createFastifySigningPlugin(options: NodeSigningOptions): (fastify: FastifySignerLike) => Promise<void> {
  const core = createSigningCore(options);
  const facts = factsReader(options);
  return async (fastify) => {
    fastify.route({
      method: ['GET', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'],
      url: '/*',
      handler: async (request, reply) => {
        // `request.url` keeps the prefix; the route is the last path segment before the query.
        const answer = await core(facts(request.raw, request.url.replace(/^[^?]*\//, '/'))).catch(() => FAILED_ANSWER);
        return reply.code(answer.status).headers(answer.headers).send(answer.body ?? undefined);
      },
    });
  };
}
