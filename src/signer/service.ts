/**
 * The signing service as one `fetch`-style handler, runtime-neutral (Node, Workers, Deno, Bun):
 * `GET /ROUTE?…` answers `302 Location: <signed URL>` — so `<img src="https://signer/staticmap?…">`
 * just works — or `{"url": "…"}` with `Accept: application/json`.
 *
 * The order of checks is the order of cost: the route, the caller's origin (`Origin`, else the
 * origin of `Referer`; neither is refused unless the policy allows it), the per-minute limits,
 * the parameters, the 2048-character limit, then the signature and the daily budget — spent
 * only for a signature actually handed out. Answers are deterministic for the same request, so
 * they carry the policy's `Cache-Control`, an `ETag` (the answer's form and signature;
 * If-None-Match gets 304)
 * and `Vary: Accept, Origin`. A route with a lifetime signs `expires=` at the end of the current
 * expiry step and caps `max-age` at the time left in it (`lifetime.ts`), so it stays deterministic
 * within a step; CORS headers name the request's origin only when the policy
 * allows it, and preflights (`OPTIONS`) are answered for those origins only.
 *
 * A cache keyed without `Referer` may hand an already-issued answer to a page the policy does
 * not allow; that gives out no new signature, only one the policy allowed before.
 *
 * The checks run on plain request facts and produce a plain answer ({@link createSigningCore}),
 * so the Node adapters write it without building `Request` and `Response` objects (which cost
 * more than the signature); {@link createSigningService} wraps the same core for `fetch` runtimes.
 */
import { createSigner as createWebSigner } from '../api/web.js';
import { credentialInput, parseCredential, type Credential } from '../core/credential.js';
import { isMapsignError } from '../core/errors.js';
import { expiresValue, findExpires } from '../core/expiry.js';
import type { SignOptions } from '../core/sign.js';
import { wantsJson } from '../http/refusal.js';
import { CallerLimits } from './caller-limits.js';
import type { SignCountHook } from './counts.js';
import { SignerError } from './errors.js';
import { cacheControlWithin, expiryStep, type ExpiryStep } from './lifetime.js';
import type { SignPolicy, SignRoute } from './policy.js';
import { FAILED_ANSWER, refusalAnswer, type SignAnswer, type SignRefusal } from './refusals.js';
import { checkParams, unsignedUrl } from './route-request.js';

/** Signs one URL with one credential, synchronously or not. */
export type UrlSigner = (url: string) => string | Promise<string>;

/** Options for {@link createSigningService}. */
export interface SigningServiceOptions {
  readonly policy: SignPolicy;
  /**
   * The secrets by variable name, each route reading the one its `secretEnv` names (default
   * `MAPSIGN_SECRET`): the environment on Node, the `env` bindings in a Worker.
   */
  readonly secrets: Readonly<Record<string, string | undefined>>;
  /**
   * Makes a route's signer; default: the WebCrypto signer of `mapsign/web`. Node may pass
   * `mapsign`'s faster `createSigner`. A route with a lifetime passes `{ expiresAt }`, and a URL
   * signed without that `expires=` is refused (`SIGNING_FAILED`), never handed out.
   */
  readonly createSigner?: ((credential: Credential, options?: Pick<SignOptions, 'expiresAt'>) => UrlSigner) | undefined;
  /** Called once per request with its route, origin and outcome; the place for metrics. Must not throw (if it does, the answer is a 500). */
  readonly onCount?: SignCountHook | undefined;
  /** The clock, in ms since 1970, for lifetimes and the limits; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** What the core reads of a request. */
export interface SignRequest {
  readonly method: string;
  /** The path and query, e.g. `/staticmap?center=1,2&size=600x300`. */
  readonly target: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** For the per-client limit; requests without one share one window. */
  readonly clientAddress?: string | undefined;
}

/** The checks and the signature, on plain facts: what the adapters share. */
export type SigningCore = (request: SignRequest) => Promise<SignAnswer>;

/**
 * The handler: a `Request` and the client's address (for the per-client limit; requests
 * without one share one window) to a `Response`. Never rejects.
 */
export type SigningService = (request: Request, clientAddress?: string | undefined) => Promise<Response>;

/**
 * Counted in place of an origin the policy does not allow, so counts stay bounded.
 *
 * @example events.filter((event) => event.origin === NOT_ALLOWED_ORIGIN).length // refusals of foreign pages
 */
export const NOT_ALLOWED_ORIGIN = '(not allowed)';

interface CallerOrigin {
  /** The origin, when the request named one. */
  readonly origin: string | undefined;
  readonly allowed: boolean;
  /** True when it came from `Origin`, which is what CORS answers. */
  readonly fromOriginHeader: boolean;
}

function callerOrigin(request: SignRequest, policy: SignPolicy): CallerOrigin {
  const header = request.header('origin');
  if (header !== undefined) return { origin: header, allowed: policy.allowedOrigins.has(header), fromOriginHeader: true };
  const referer = request.header('referer');
  if (referer === undefined) return { origin: undefined, allowed: policy.allowNoOrigin, fromOriginHeader: false };
  let origin: string | undefined;
  try {
    origin = new URL(referer).origin;
  } catch {
    origin = undefined;
  }
  return { origin, allowed: origin !== undefined && policy.allowedOrigins.has(origin), fromOriginHeader: false };
}

function secretOf(route: SignRoute, secrets: Readonly<Record<string, string | undefined>>): Credential {
  const secret = secrets[route.secretEnv];
  if (secret === undefined || secret.trim() === '') {
    throw new SignerError('MISSING_SECRET', `routes.${route.name}: no secret in ${route.secretEnv}; set that variable (or binding) to the ${route.scheme} signing secret.`);
  }
  try {
    return parseCredential(credentialInput(route.scheme, route.identity?.id, secret.trim(), route.identity?.param));
  } catch (error) {
    // The core's messages never repeat the secret.
    throw new SignerError('INVALID_SECRET', `routes.${route.name}: the secret in ${route.secretEnv} is not a ${route.scheme} secret: ${(error as Error).message}`, { cause: error });
  }
}

/** A route's signer at a time: for a route with a lifetime, the one of the current expiry step, with that step. */
type RouteSigner = (nowMs: number) => { readonly sign: UrlSigner; readonly step: ExpiryStep | undefined };

function routeSigner(route: SignRoute, credential: Credential, makeSigner: NonNullable<SigningServiceOptions['createSigner']>): RouteSigner {
  const lifetime = route.lifetimeSeconds;
  if (lifetime === undefined) {
    const sign = makeSigner(credential);
    return () => ({ sign, step: undefined });
  }
  let current: { readonly expiresMs: number; readonly sign: UrlSigner } | undefined;
  return (nowMs) => {
    const step = expiryStep(lifetime, nowMs);
    // A signer per step: made once when the step begins, shared by every request in it.
    if (current?.expiresMs !== step.expiresAt.getTime()) current = { expiresMs: step.expiresAt.getTime(), sign: makeSigner(credential, { expiresAt: step.expiresAt }) };
    return { sign: current.sign, step };
  };
}

/** True when `signed` carries exactly the `expires=` of `step`. */
function expiresAsStepped(signed: string, step: ExpiryStep): boolean {
  return findExpires(signed.slice(signed.indexOf('?') + 1))?.raw === expiresValue(step.expiresAt);
}

/**
 * The entity tag of an answer: its form and the URL's signature, an HMAC of everything signed,
 * so it changes exactly when the answer does and costs no hashing. It names only the signature
 * the answer itself carries.
 */
function etagOf(variant: 'j' | 'r', url: string): string {
  return `"${variant}.${url.slice(url.lastIndexOf('signature=') + 10)}"`;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

/**
 * Returns the checks and signing on plain request facts; throws {@link SignerError} when a
 * route's secret is missing or malformed, so a misconfigured service never starts.
 *
 * @example
 * const core = createSigningCore({ policy, secrets: { MAPSIGN_SECRET: secret } })
 * const answer = await core({ method: 'GET', target: '/staticmap?center=1,2&size=9x9', header: (name) => headers[name] })
 */
export function createSigningCore(options: SigningServiceOptions): SigningCore {
  const { policy } = options;
  const makeSigner = options.createSigner ?? createWebSigner;
  const signers = new Map<string, RouteSigner>();
  for (const route of policy.routes.values()) signers.set(route.name, routeSigner(route, secretOf(route, options.secrets), makeSigner));
  const now = options.now ?? Date.now;
  const limits = new CallerLimits({ now });
  const onCount = options.onCount ?? (() => {});

  return async (request) => {
    const head = request.method === 'HEAD';
    const cut = request.target.indexOf('?');
    const path = cut < 0 ? request.target : request.target.slice(0, cut);
    const caller = callerOrigin(request, policy);
    const cors: Record<string, string> = { vary: 'Accept, Origin' };
    if (caller.allowed && caller.fromOriginHeader) cors['access-control-allow-origin'] = caller.origin!;
    const route = path.startsWith('/') ? policy.routes.get(path.slice(1)) : undefined;
    const countedOrigin = caller.origin === undefined ? '' : caller.allowed ? caller.origin : NOT_ALLOWED_ORIGIN;
    const refuse = (refusal: SignRefusal): SignAnswer => {
      onCount({ route: route?.name ?? '', origin: countedOrigin, outcome: refusal.reason });
      return refusalAnswer(refusal, cors, head);
    };

    if (route === undefined) return refuse({ reason: 'UNKNOWN_ROUTE', message: `No route ${JSON.stringify(path.slice(0, 80))}; the routes are ${[...policy.routes.keys()].map((name) => `/${name}`).join(', ')}.` });
    if (!caller.allowed) {
      const what = caller.origin === undefined ? 'A request without Origin or Referer' : `The origin ${JSON.stringify(caller.origin.slice(0, 200))}`;
      return refuse({ reason: 'ORIGIN_NOT_ALLOWED', route: route.name, message: `${what} is not allowed to get signatures; the policy's allowedOrigins must list it.` });
    }
    if (request.method === 'OPTIONS') {
      return { status: 204, headers: { ...cors, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'accept, if-none-match', 'access-control-max-age': '600' }, body: null };
    }
    if (request.method !== 'GET' && !head) return refuse({ reason: 'METHOD_NOT_ALLOWED', route: route.name, message: `Ask for signatures with GET, not ${JSON.stringify(request.method.slice(0, 20))}.` });

    const held = limits.admit(route.name, route.limits, request.clientAddress ?? '', caller.origin ?? '');
    if (held !== undefined) {
      const per = held.limit === 'client' ? 'client address' : 'origin';
      return refuse({ reason: held.reason, route: route.name, retryAfterSeconds: held.retryAfterSeconds, message: `Too many requests per minute from this ${per} on route ${route.name}; retry in ${held.retryAfterSeconds} s.` });
    }
    const checked = checkParams(route, new URLSearchParams(cut < 0 ? '' : request.target.slice(cut + 1)));
    if (!checked.ok) return refuse({ ...checked.refusal, route: route.name });

    let signed: string;
    let step: ExpiryStep | undefined;
    try {
      const signer = signers.get(route.name)!(now());
      step = signer.step;
      signed = await signer.sign(unsignedUrl(route, checked.params));
    } catch (error) {
      if (isMapsignError(error, 'URL_TOO_LONG')) return refuse({ reason: 'URL_TOO_LONG', route: route.name, message: error.message });
      return refuse({ reason: 'SIGNING_FAILED', route: route.name, message: 'The URL could not be signed; the operator should check the route and its secret.' });
    }
    if (step !== undefined && !expiresAsStepped(signed, step)) {
      return refuse({ reason: 'SIGNING_FAILED', route: route.name, message: `Route ${route.name} has a lifetime, but its signer did not add expires=; the operator should pass a createSigner that takes { expiresAt } (mapsign's does).` });
    }
    const spent = limits.spend(route.name, route.limits);
    if (spent !== undefined) {
      return refuse({ reason: 'BUDGET_EXHAUSTED', route: route.name, retryAfterSeconds: spent.retryAfterSeconds, message: `Route ${route.name} has signed its daily budget; retry after 00:00 UTC.` });
    }
    onCount({ route: route.name, origin: countedOrigin, outcome: 'ok' });

    const json = wantsJson(request.header('accept'));
    const etag = etagOf(json ? 'j' : 'r', signed);
    const cacheControl = step === undefined ? route.cacheControl : cacheControlWithin(route.cacheControl, step.secondsLeft);
    const headers: Record<string, string> = { ...cors, 'cache-control': cacheControl, etag };
    if (matchesEtag(request.header('if-none-match'), etag)) return { status: 304, headers, body: null };
    if (json) return { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: head ? null : `${JSON.stringify({ url: signed })}\n` };
    return { status: 302, headers: { ...headers, location: signed }, body: null };
  };
}

/**
 * Returns the signing service for `fetch` runtimes; throws {@link SignerError} when a route's
 * secret is missing or malformed, so a misconfigured service never starts.
 *
 * @example
 * const service = createSigningService({ policy: parsePolicy(json), secrets: env })
 * export default { fetch: (request: Request) => service(request, request.headers.get('cf-connecting-ip') ?? undefined) }
 */
export function createSigningService(options: SigningServiceOptions): SigningService {
  const core = createSigningCore(options);
  return async (request, clientAddress) => {
    const url = new URL(request.url);
    const answer = await core({ method: request.method, target: url.pathname + url.search, header: (name) => request.headers.get(name) ?? undefined, clientAddress }).catch(() => FAILED_ANSWER);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
