/**
 * The request a proxy asks about. nginx `auth_request`, Caddy `forward_auth` and Traefik
 * `forwardAuth` do not send the client's request to the verifier: they send one of their own
 * that names it in headers. This reads that original request into the same
 * {@link RequestFacts} a proxied request gives, so the same screen (target form, fragment,
 * characters, method, `Host` and forwarded headers) and the same verifier apply to it.
 *
 * Two conventions: nginx's `X-Original-URI` (the target as the client sent it) with
 * `X-Original-Method`, and Caddy's and Traefik's `X-Forwarded-Uri` with `X-Forwarded-Method`
 * (their `X-Forwarded-Host`/`X-Forwarded-Proto` give the origin, read by the origin resolver as
 * for any trusted proxy). They are believed only from a trusted peer, since any client can send
 * them; a request that names no original target, or names two different ones, is refused:
 * verifying a target other than the one the proxy forwards would let anything through. For the
 * same reason a path with a character that must be percent-encoded (`" < > \ ^ \` { | }`) is
 * refused: Caddy (Go) re-encodes such a path from its decoded form, so `/a%2Fb|c` would reach
 * the upstream as `/a/b%7Cc`. (The query may hold them: proxies pass it as it is, and Static
 * Maps clients send `markers=a|b` unencoded.)
 */
import type { Refused, RequestFacts } from './request-check.js';
import { ruleRefusal } from './refusal.js';

/** Characters RFC 3986 never allows unencoded, which a proxy may re-encode (and re-decode the path with). */
const UNESCAPED_PATH = /["<>\\^`{|}]/;

/** The headers each convention names the original target and method in. */
const CONVENTIONS = [
  { target: 'x-original-uri', method: 'x-original-method' },
  { target: 'x-forwarded-uri', method: 'x-forwarded-method' },
] as const;

/**
 * The original request described by an auth request `auth` from a proxy, or the refusal when
 * `auth` comes from a peer `trusts` rejects, or names no target and method, or two different ones.
 *
 * @example
 * const original = originalRequestFacts(nodeRequestFacts(req), screen.trusts)
 * const verdict = 'refusal' in original ? original : verify(original)
 */
export function originalRequestFacts(auth: RequestFacts, trusts: (peer: string | undefined) => boolean): RequestFacts | Refused {
  if (!trusts(auth.peer)) return { ok: false, refusal: ruleRefusal('ORIGINAL_REQUEST_MISSING') };
  let target: string | undefined;
  let method: string | undefined;
  for (const names of CONVENTIONS) {
    const named = auth.header(names.target);
    const verb = auth.header(names.method);
    if (named === undefined && verb === undefined) continue;
    // A proxy may set both conventions, but only to the same request.
    if ((target !== undefined && named !== target) || (method !== undefined && verb !== method)) return { ok: false, refusal: ruleRefusal('ORIGINAL_REQUEST_CONFLICT') };
    target = named;
    method = verb;
  }
  if (target === undefined || method === undefined) return { ok: false, refusal: ruleRefusal('ORIGINAL_REQUEST_MISSING') };
  const mark = target.indexOf('?');
  if (UNESCAPED_PATH.test(mark < 0 ? target : target.slice(0, mark))) return { ok: false, refusal: ruleRefusal('UNESCAPED_PATH_CHARACTER') };
  return { method, target, header: auth.header, peer: auth.peer, hasBody: auth.hasBody };
}
