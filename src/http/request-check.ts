/**
 * Everything decided about a request before its signature is computed: the shape rules (target
 * form, fragment, characters, method, body, `Host` and trusted forwarded headers) and the
 * public origin it is verified against. Runtime-neutral: the Node gateway, the Node middleware
 * and the `fetch`-style verifier each describe their request as {@link RequestFacts} and run
 * the same checks.
 */
import type { VerifyOptions, VerifySource } from '../core/verify.js';
import { createOriginResolver, type HeaderReader, type OriginOptions } from './origin.js';
import { ruleRefusal, type Refusal } from './refusal.js';
import { checkTarget, DEFAULT_METHODS, normaliseMethods } from './request-rules.js';

/** Options shared by the gateway, the middleware and the `fetch`-style verifier. */
export interface VerifierOptions extends OriginOptions {
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

/** A request that passed the shape rules: verify `target` with these options. */
export interface Screened {
  readonly ok: true;
  readonly options: VerifyOptions;
}

/** Screens one request. */
export type RequestScreen = (facts: RequestFacts) => Screened | { readonly ok: false; readonly refusal: Refusal };

/**
 * The URL to verify for a raw target: the target itself, or with its origin in front when the
 * path begins with `//`, which read alone would name a host.
 *
 * @example verifiable('//a/b?x=1', 'http://gw') // 'http://gw//a/b?x=1'
 */
export function verifiable(target: string, origin: string): string {
  return target.charCodeAt(1) === 47 /* / */ ? origin + target : target;
}

/** Methods that carry a body when the operator allows them. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Creates the screen for `options`; throws a `TypeError` for a bad method list.
 *
 * @example
 * const screen = createRequestScreen({ credentials: lookup, publicUrl: 'https://tiles.example.com' })
 * const screened = screen({ method: 'GET', target: req.url, header, peer, hasBody: false })
 */
export function createRequestScreen(options: VerifierOptions): RequestScreen {
  const origins = createOriginResolver(options);
  const methods = new Set(normaliseMethods(options.methods ?? DEFAULT_METHODS));
  const allow = [...methods].join(', ');
  const maxLength = options.maxUrlLength;
  // The same public origin answers nearly every request: one result object serves them all.
  let last: Screened = { ok: true, options: { origin: '', maxLength } };
  return (facts) => {
    if (facts.version !== undefined && facts.version !== '1.1' && facts.version !== '1.0') return { ok: false, refusal: ruleRefusal('HTTP_VERSION_NOT_SUPPORTED') };
    const broken = checkTarget(facts.target);
    if (broken !== undefined) return { ok: false, refusal: ruleRefusal(broken) };
    if (!methods.has(facts.method)) return { ok: false, refusal: ruleRefusal('METHOD_NOT_ALLOWED', allow) };
    const header = origins.check(facts.header, facts.peer);
    if (header !== undefined) return { ok: false, refusal: ruleRefusal(header) };
    if (facts.hasBody && BODYLESS.has(facts.method)) return { ok: false, refusal: ruleRefusal('BODY_NOT_ALLOWED') };
    const origin = origins.origin(facts.header, facts.peer, facts.origin);
    if (origin !== last.options.origin) last = { ok: true, options: { origin, maxLength } };
    return last;
  };
}
