/**
 * `mapsign/gateway`: the verifying reverse proxy and its middleware (Node only).
 *
 * - `startGateway` runs what `mapsign serve` runs (store, credential cache, usage, listener,
 *   admin API); `createGateway` is its request handler alone, for your own `node:http` server,
 *   and `createAuthOnly` the handler of `--auth-only` (nginx `auth_request`, Caddy `forward_auth`).
 * - `createExpressMiddleware`, `createFastifyPlugin`, `createWebMiddleware` verify inside your
 *   own server with the same rules and refusals; `CredentialCache` gives them a store's
 *   credentials; `createAdminApi` serves the credential operations as a `fetch`-style handler.
 *
 * @example
 * import { createExpressMiddleware } from 'mapsign/gateway'
 * app.use(createExpressMiddleware({ credentials: { scheme: 'google', id: 'gme-acme', secrets: [secret] } }))
 */
export { createAdminApi, type AdminApi, type AdminApiOptions } from './admin-api.js';
export { createAuditLogger } from './audit-log.js';
export { createAuthOnly, type AuthOnlyOptions } from './auth-only.js';
export { CredentialCache, type CacheOptions, type CacheStats } from './credential-cache.js';
export { createGateway, type Gateway, type GatewayOptions } from './handler.js';
export { createExpressMiddleware, createFastifyPlugin, createWebMiddleware, type ExpressRequestLike, type FastifyLike, type FastifyReplyLike, type NodeRequestLike, type NodeResponseLike } from './middleware.js';
export type { ClientInfo, FetchHandler, ListenTarget } from './node-server.js';
export type { Outcome } from './outcome.js';
export type { RefusalThrottleOptions } from './refusal-throttle.js';
export { createJsonLogger, type RequestLogEntry, type RequestLogger } from './request-log.js';
export { startGateway, type RunningGateway, type StartOptions } from './start.js';
export type { OriginOptions } from '../http/origin.js';
export type { Refusal, RefusalReason } from '../http/refusal.js';
export type { RuleReason } from '../http/request-rules.js';
export type { VerifierOptions } from '../http/request-check.js';
