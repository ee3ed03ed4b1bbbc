/**
 * `mapsign/signer`: the policy-bound signing service — the `fetch` handler (also in
 * `mapsign/web`), its `node:http`/Express and Fastify adapters and the core they share, the
 * policy parser and the count hook. Runtime-neutral: it signs over WebCrypto unless given another signer (on Node, pass
 * `createSigner` from `mapsign` for the synchronous `node:crypto` one).
 *
 * @example
 * import { createSigner } from 'mapsign'
 * import { createNodeSigningHandler, parsePolicy } from 'mapsign/signer'
 * app.use('/sign', createNodeSigningHandler({ policy: parsePolicy(JSON.parse(text)), secrets: env, createSigner })) // env: the process's environment
 */
export { createFastifySigningPlugin, createNodeSigningHandler, type FastifySignerLike, type FastifySignerReplyLike, type NodeLikeRequest, type NodeLikeResponse, type NodeSigningOptions } from './adapters.js';
export type { CallerLimitsOptions, LimitRefusal } from './caller-limits.js';
export { SignTally, type SignCount, type SignCountHook, type SignEvent } from './counts.js';
export { SignerError, type SignerErrorCode } from './errors.js';
export { DEFAULT_CACHE_CONTROL, parsePolicy, type ParamRule, type RouteLimits, type SignPolicy, type SignRoute, type ValueRule } from './policy.js';
export type { SignAnswer, SignOutcome, SignRefusalReason } from './refusals.js';
export type { ParamRefusalReason } from './route-request.js';
export { createSigningCore, createSigningService, NOT_ALLOWED_ORIGIN, type SignRequest, type SigningCore, type SigningService, type SigningServiceOptions, type UrlSigner } from './service.js';
