/**
 * Everything decided about a request before its signature is computed: the shape rules (target
 * form, fragment, characters, method, body, `Host` and trusted forwarded headers) and the
 * public origin it is verified against. Runtime-neutral: the Node gateway, the Node middleware
 * and the `fetch`-style verifier each describe their request as {@link RequestFacts} and run
 * the same checks.
 */
import type { VerifyOptions, VerifyResult, VerifySource, VerifySuccess } from '../core/verify.js';
import { createOriginResolver, type HeaderReader, type OriginOptions } from './origin.js';
import { ruleRefusal, verifyRefusal, type Refusal } from './refusal.js';
import { checkTarget, DEFAULT_METHODS, normaliseMethods } from './request-rules.js';

/** Options shared by the gateway, the middleware and the `fetch`-style verifier. */
export interface VerifierOptions extends OriginOptions, Pick<VerifyOptions, 'clockSkewMs' | 'now'> {
  /** One credential, a stored record, or a lookup (e.g. `CredentialCache.lookup`). */
  readonly credentials: VerifySource;
  /** Longest request target accepted; default 2048 (Streetmaps' URL rules). */
  readonly maxUrlLength?: number | undefined;
  /**
   * Methods accepted; default GET and HEAD. The signature covers the URL only: a method or a
   * body beyond these is not signed.
   */
  readonly methods?: readonly string[] | undefined;
}

/** What a runtime knows about one request. */
export interface RequestFacts {
  readonly method: string;
  /** The request target exactly as received (`/path?query`). */
  readonly target: string;
  readonly header: HeaderReader;
  /** TCP peer address, for `trustProxy`. */
  readonly peer: string | undefined;
  /** True when the request carries a body (a length above 0 or a transfer coding). */
  readonly hasBody: boolean;
  /** The HTTP version from the request line (`1.1`), when the runtime shows it. */
  readonly version?: string | undefined;
  /** The origin a `fetch` runtime parsed from the request (`https://host`), when it has one. */
  readonly origin?: string | undefined;
}

/** A request that passed the shape rules: verify `url` with `options`. */
export interface Screened {
  readonly ok: true;
  /** The URL to verify: the raw target (with the origin in front of a `//` path). */
  readonly url: string;
  readonly options: VerifyOptions & { readonly origin: string };
}

/** A request that verified, with the public origin it was verified against. */
export interface Accepted {
  readonly ok: true;
  readonly result: VerifySuccess;
  readonly origin: string;
}

/** A request that did not pass, with its refusal. */
export interface Refused {
  readonly ok: false;
  readonly refusal: Refusal;
}

/** The verdict on one request. */
export type Verdict = Accepted | Refused;

/** Screens one request, and says what it was configured with. */
export interface RequestScreen {
  (facts: RequestFacts): Screened | Refused;
  /** The methods accepted, as an `Allow` header lists them. */
  readonly allow: string;
  /** True when `peer` is a proxy whose forwarded headers are believed. */
  trusts(peer: string | undefined): boolean;
}

/**
 * The verdict once the screened URL's signature was checked.
 *
 * @example const screened = screen(facts); const verdict = screened.ok ? conclude(verifyUrl(screened.url, lookup, screened.options), screened) : screened
 */
export function conclude(result: VerifyResult, screened: Screened): Verdict {
  return result.valid ? { ok: true, result, origin: screened.options.origin } : { ok: false, refusal: verifyRefusal(result) };
}

/**
 * The URL to verify for a raw target: the target itself, or with its origin in front when the
 * path begins with `//`, which read alone would name a host.
 *
 * @example verifiable('//a/b?x=1', 'http://gw') // 'http://gw//a/b?x=1'
 */
export function verifiable(target: string, origin: string): string {
  return target.charCodeAt(1) === 47 /* / */ ? origin + target : target;
}

/** Methods refused with a body, whatever the method list. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Creates the screen for `options`; throws a `TypeError` for a bad method list or clock-skew allowance.
 *
 * @example
 * const screen = createRequestScreen({ credentials: lookup, publicUrl: 'https://tiles.example.com' })
 * const screened = screen({ method: 'GET', target: req.url, header, peer, hasBody: false })
 */
export function createRequestScreen(options: VerifierOptions): RequestScreen {
  const origins = createOriginResolver(options);
  const methods = new Set(normaliseMethods(options.methods ?? DEFAULT_METHODS));
  const allow = [...methods].join(', ');
  const { maxUrlLength: maxLength, clockSkewMs, now } = options;
  if (clockSkewMs !== undefined && !(clockSkewMs >= 0 && clockSkewMs < Infinity)) throw new TypeError(`clockSkewMs must be a finite number of milliseconds, 0 or more, not ${String(clockSkewMs)}.`);
  // The same public origin answers nearly every request: one options object serves them all.
  let last = { origin: '', maxLength, clockSkewMs, now };
  const screen = (facts: RequestFacts): Screened | Refused => {
    if (facts.version !== undefined && facts.version !== '1.1' && facts.version !== '1.0') return { ok: false, refusal: ruleRefusal('HTTP_VERSION_NOT_SUPPORTED') };
    const broken = checkTarget(facts.target);
    if (broken !== undefined) return { ok: false, refusal: ruleRefusal(broken) };
    if (!methods.has(facts.method)) return { ok: false, refusal: ruleRefusal('METHOD_NOT_ALLOWED', allow) };
    const header = origins.check(facts.header, facts.peer);
    if (header !== undefined) return { ok: false, refusal: ruleRefusal(header) };
    if (facts.hasBody && BODYLESS.has(facts.method)) return { ok: false, refusal: ruleRefusal('BODY_NOT_ALLOWED') };
    const origin = origins.origin(facts.header, facts.peer, facts.origin);
    if (origin !== last.origin) last = { origin, maxLength, clockSkewMs, now };
    return { ok: true, url: verifiable(facts.target, origin), options: last };
  };
  return Object.assign(screen, { allow, trusts: origins.trusts });
}
