/**
 * `mapsign serve --auth-only`: the `node:http` handler that verifies for a proxy which forwards
 * itself — nginx `auth_request`, Caddy `forward_auth`, Traefik `forwardAuth`. It forwards
 * nothing: each request names an original request (src/http/original-request.ts), which passes
 * the same screen and verifier as a request through the gateway.
 *
 * A verified original request is answered `200` with `X-Mapsign-Credential` (and
 * `X-Mapsign-Channel`) for the proxy to pass upstream, and `X-Mapsign-Upstream-Uri`, the
 * target without the authentication parameters, and counted `ok`: the proxy does the
 * upstream part. A credential's restrictions and limits (control-enforcer.ts) apply to the
 * original request as to a proxied one, and its positive answers carry `X-Accel-Expires: 0`,
 * so nginx's optional cache never answers for it. Every refusal is `403` — nginx `auth_request` takes
 * only 2xx, 401 and 403 — with `X-Mapsign-Reason` (and `Retry-After` for a limit) and the usual
 * explanatory body, so the proxy can show it. Usage, request log and ids, refusal throttle and
 * routes (`/healthz`) are the gateway's own (request-end.ts, connection-guards.ts); a route
 * answers only a request that names no original request, so a
 * client's `/healthz` through the proxy is verified like any other path. Behind a proxy the
 * throttle sees the proxy's keep-alive connections: it still never delays a verified request,
 * but one client's flood of refusals slows the refusals of others on the same connections.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTH_PARAMS, stripParams } from '../http/auth-params.js';
import { originalRequestFacts } from '../http/original-request.js';
import { ruleRefusal, type Refusal } from '../http/refusal.js';
import { createRequestScreen } from '../http/request-check.js';
import { createClientErrorHandler, createSilenceGuard } from './connection-guards.js';
import { createControlEnforcer } from './control-enforcer.js';
import type { Gateway, HandlingOptions } from './handler.js';
import { answerWithFetch, findRoute, defaultHealthz, type FetchHandler } from './node-server.js';
import { pathOf } from './request-log.js';
import { createRequestEnd, type Received } from './request-end.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { createRequestVerifier, nodeRequestFacts } from './verifier.js';

/** Options for {@link createAuthOnly}: those of the gateway's handler, but nothing to forward to. */
export type AuthOnlyOptions = HandlingOptions;

/** The header naming the verified credential, for the proxy to pass upstream. */
export const CREDENTIAL_HEADER = 'x-mapsign-credential';
/** The header naming the verified request's channel, when it has one. */
export const CHANNEL_HEADER = 'x-mapsign-channel';
/**
 * The header giving the original target without `client=`, `key=` and `signature=`, for a
 * proxy that removes them before the upstream as the gateway does (`proxy_pass …$uri_from_it`).
 */
export const UPSTREAM_URI_HEADER = 'x-mapsign-upstream-uri';
/** The header naming why a request was refused (`SIGNATURE_MISMATCH`, …). */
export const REASON_HEADER = 'x-mapsign-reason';

/** True when a header name with `_` reads, as `-`, as one of mapsign's own (`X-Mapsign-…`). */
function spoofsGatewayHeader(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.includes('_') && name.toLowerCase().replace(/_/g, '-').startsWith('x-mapsign-')) return true;
  }
  return false;
}

/**
 * Creates the auth-only handler; `trustProxy` defaults to `['loopback']`, since every request
 * it can pass comes from a proxy. Throws a `TypeError` for a bad method list.
 *
 * @example
 * const auth = createAuthOnly({ credentials: cache.lookup, usage })
 * createServer(auth.handle).on('clientError', auth.handleClientError).listen(8788, '127.0.0.1')
 */
export function createAuthOnly(options: AuthOnlyOptions): Gateway {
  const settings = { ...options, trustProxy: options.trustProxy ?? ['loopback'] };
  const screen = createRequestScreen(settings);
  const verify = createRequestVerifier(settings, screen);
  const routes: Record<string, FetchHandler> = { '/healthz': defaultHealthz, ...options.routes };
  const end = createRequestEnd({ ...options, trusts: screen.trusts });
  const enforce = createControlEnforcer({ quotas: options.quotas, trusts: screen.trusts });
  const silence = createSilenceGuard(options.silentConnectionMs ?? 10_000);

  const refuse = (received: Received, res: ServerResponse, hasBody: boolean, refusal: Refusal): void => {
    const headers: Record<string, string> = { [REASON_HEADER]: refusal.reason };
    end.refuse(received, res, { ...refusal, status: 403 }, hasBody, headers);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    silence.heard(req.socket);
    const own = nodeRequestFacts(req);
    const original = originalRequestFacts(own, screen.trusts);
    if ('refusal' in original) {
      const received = end.receive(req, own.target, started);
      const route = findRoute(routes, pathOf(own.target));
      if (route === undefined) return refuse(received, res, own.hasBody, original.refusal);
      const screened = screen(own);
      if (!screened.ok) return refuse(received, res, own.hasBody, screened.refusal);
      res.setHeader(REQUEST_ID_HEADER, received.requestId);
      return answerWithFetch(route, req, res);
    }
    // Counted and logged under the original target, as the gateway would have seen it.
    const received = end.receive(req, original.target, started);
    // Caddy's forward_auth passes the client's headers on, and replaces only the exact names it
    // copies: an `X-Mapsign_Credential` of the client's own would reach the upstream beside ours.
    if (spoofsGatewayHeader(req.rawHeaders)) return refuse(received, res, own.hasBody, ruleRefusal('SPOOFED_GATEWAY_HEADER'));
    const verdict = verify(original);
    if (!verdict.ok) return refuse(received, res, own.hasBody, verdict.refusal);
    const { credentialId, channel } = verdict.result;
    const guard = options.guards?.(credentialId);
    const refused = guard === undefined ? undefined : enforce(guard, original, verdict.result);
    if (refused !== undefined) return refuse(received, res, own.hasBody, refused);
    options.throttle?.pass(req.socket);
    // The channel header is sent empty rather than left out: Caddy 2.6's copy_headers would
    // otherwise pass its own placeholder text upstream. An empty value nginx does not send on.
    const headers: Record<string, string> = {
      [CREDENTIAL_HEADER]: credentialId,
      [CHANNEL_HEADER]: channel ?? '',
      [UPSTREAM_URI_HEADER]: stripParams(original.target, AUTH_PARAMS),
      [REQUEST_ID_HEADER]: received.requestId,
      'content-length': '0',
    };
    // A positive answer nginx caches would skip the credential's restrictions and limits next time.
    if (guard !== undefined) headers['x-accel-expires'] = '0';
    // A body the proxy sent is never read: close the connection after the answer.
    if (own.hasBody) headers['connection'] = 'close';
    res.writeHead(200, headers).end();
    const ending = { status: 200, outcome: 'ok', credential: credentialId, channel, bytes: 0 } as const;
    end.count(ending);
    // Admitted under a daily quota, it was in flight until counted.
    if (guard?.dailyQuota !== undefined) options.quotas?.settle(credentialId);
    end.record(received, ending);
  };

  const guarded = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      handle(req, res);
    } catch {
      // A defect must cost one request, never the process; the proxy denies on a 500.
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('500 Internal Server Error\n');
    }
  };

  return {
    handle: guarded,
    // Bodies are never read, so none is invited: the request is answered as it is.
    handleExpectContinue: guarded,
    handleClientError: createClientErrorHandler(screen.allow, end.parserRefused),
    handleConnection: silence.handleConnection,
    inFlight: 0,
    abortInFlight: () => {},
    close: async () => {},
  };
}
