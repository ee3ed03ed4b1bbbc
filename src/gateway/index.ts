/**
 * `mapsign/gateway`: the verifying reverse proxy and its middleware (Node only).
 *
 * @example
 * import { createExpressMiddleware } from 'mapsign/gateway'
 * app.use(createExpressMiddleware({ credentials: { scheme: 'google', id: 'gme-acme', secrets: [secret] } }))
 */
export { createAdminApi, type AdminApiOptions } from './admin-api.js';
export { CredentialCache, type CacheOptions } from './credential-cache.js';
export { createGateway, type FetchHandler, type Gateway, type GatewayOptions, type Precheck, type PrecheckResult, type RequestContext } from './handler.js';
export { createExpressMiddleware, createFastifyPlugin, createWebMiddleware, type FastifyLike, type FastifyReplyLike, type NodeRequestLike, type NodeResponseLike } from './middleware.js';
export { serveFetch, type ListenTarget, type RunningServer } from './node-server.js';
export { checkPublicUrl, type OriginOptions } from './origin.js';
export { createRefusalThrottle, type RefusalThrottle, type RefusalThrottleOptions, type RefusalThrottleStats } from './refusal-throttle.js';
export { createJsonLogger, type RequestLogEntry, type RequestLogger } from './request-log.js';
export { startGateway, type RunningGateway, type StartOptions } from './start.js';
export { UsageRecorder, type UsageRecorderOptions } from './usage-recorder.js';
export { createRequestVerifier, type Accepted, type Refused, type RequestVerifier, type Verdict, type VerifierOptions } from './verifier.js';
