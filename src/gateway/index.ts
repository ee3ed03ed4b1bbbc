/**
 * `mapsign/gateway`: the verifying reverse proxy and its middleware (Node only).
 *
 * @example
 * import { createExpressMiddleware } from 'mapsign/gateway'
 * app.use(createExpressMiddleware({ credentials: { scheme: 'google', id: 'gme-acme', secrets: [secret] } }))
 */
export { createAdminApi, type AdminApiOptions } from './admin-api.js';
export { CredentialCache, type CacheOptions } from './credential-cache.js';
export { createGateway, type Gateway, type GatewayOptions } from './handler.js';
export { createExpressMiddleware, createFastifyPlugin, createWebMiddleware, type ExpressRequestLike, type FastifyLike, type FastifyReplyLike, type NodeRequestLike, type NodeResponseLike } from './middleware.js';
export { serveFetch, type FetchHandler, type ListenTarget, type RunningServer } from './node-server.js';
export { checkPublicUrl, type OriginOptions } from '../http/origin.js';
export type { Refusal, RefusalReason } from '../http/refusal.js';
export type { RuleReason } from '../http/request-rules.js';
export type { VerifierOptions } from '../http/request-check.js';
export { createRefusalThrottle, type RefusalThrottle, type RefusalThrottleOptions, type RefusalThrottleStats } from './refusal-throttle.js';
export type { Outcome } from './outcome.js';
export { createJsonLogger, type RequestLogEntry, type RequestLogger } from './request-log.js';
export { startGateway, type RunningGateway, type StartOptions } from './start.js';
export { UsageRecorder, type UsageRecorderOptions } from './usage-recorder.js';
export { createRequestVerifier, type Accepted, type Refused, type RequestVerifier, type Verdict } from './verifier.js';
