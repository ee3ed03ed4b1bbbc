/**
 * The shape rules a request must pass before its signature is even checked, so that the
 * upstream can only ever receive the request that was verified.
 *
 * A signature covers the request target; anything a server might read from elsewhere — an
 * absolute-form target naming another authority (RFC 9112 §3.2.2), a fragment the verifier
 * would ignore, a `Host` that smuggles a path, a method or body the signature does not cover —
 * is refused here with its own reason. Pure string checks, shared by the Node gateway, the
 * middleware and the `fetch`-style verifier.
 */

/** Why a request was refused before verification. Stable: safe to branch on, log and count. */
export type RuleReason =
  | 'HTTP_VERSION_NOT_SUPPORTED'
  | 'MALFORMED_REQUEST'
  | 'TARGET_NOT_ORIGIN_FORM'
  | 'FRAGMENT_NOT_ALLOWED'
  | 'MALFORMED_TARGET'
  | 'METHOD_NOT_ALLOWED'
  | 'BAD_HOST'
  | 'BAD_FORWARDED_HEADER'
  | 'BODY_NOT_ALLOWED'
  | 'ORIGINAL_REQUEST_MISSING'
  | 'ORIGINAL_REQUEST_CONFLICT'
  | 'UNESCAPED_PATH_CHARACTER'
  | 'SPOOFED_GATEWAY_HEADER';

/** A one-line explanation per rule, with what to do. */
export const RULE_MESSAGES: Readonly<Record<RuleReason, string>> = {
  HTTP_VERSION_NOT_SUPPORTED: 'Only HTTP/1.0 and HTTP/1.1 requests are accepted.',
  MALFORMED_REQUEST: 'The request is not valid HTTP/1.1; check the request line and headers your client sends.',
  TARGET_NOT_ORIGIN_FORM: 'Only /path?query request targets are accepted; send the request to this server directly, not as a proxy request.',
  FRAGMENT_NOT_ALLOWED: 'The request target contains #; a fragment is never sent to a server, so remove it (and sign the URL without it).',
  MALFORMED_TARGET: 'The request target contains characters that must be percent-encoded (spaces, non-ASCII, controls); encode them as UTF-8 %XX before signing.',
  METHOD_NOT_ALLOWED: 'The signature covers the URL only, so this server accepts only the methods in the Allow header.',
  BAD_HOST: 'The Host header must be one host name or address with an optional port, such as tiles.example.com:8443.',
  BAD_FORWARDED_HEADER: 'X-Forwarded-Host must be one host[:port] and X-Forwarded-Proto http or https; fix the proxy in front of this server.',
  BODY_NOT_ALLOWED: 'This method carries no body here: the signature covers the URL only; send the request without one.',
  ORIGINAL_REQUEST_MISSING:
    'This server only checks requests for the proxy in front of it: send the request through that proxy, which must be a --trust-proxy address and name the original request in X-Original-URI and X-Original-Method (nginx) or X-Forwarded-Uri and X-Forwarded-Method (Caddy, Traefik).',
  ORIGINAL_REQUEST_CONFLICT: 'The proxy named two different original requests (X-Original-URI/-Method and X-Forwarded-Uri/-Method); make it set one pair only.',
  UNESCAPED_PATH_CHARACTER:
    'The path holds a character that must be percent-encoded (" < > \\ ^ ` { | }): a proxy in front may rewrite such a path before forwarding it, so it would forward another path than the one verified. Sign the URL with them encoded (mapsign sign does).',
  SPOOFED_GATEWAY_HEADER: "The request carries a header that reads as mapsign's own (X-Mapsign_Credential and the like, with _ for -); remove it.",
};

/** The HTTP status of each rule. */
export const RULE_STATUS: Readonly<Record<RuleReason, 400 | 405 | 505>> = {
  HTTP_VERSION_NOT_SUPPORTED: 505,
  MALFORMED_REQUEST: 400,
  TARGET_NOT_ORIGIN_FORM: 400,
  FRAGMENT_NOT_ALLOWED: 400,
  MALFORMED_TARGET: 400,
  METHOD_NOT_ALLOWED: 405,
  BAD_HOST: 400,
  BAD_FORWARDED_HEADER: 400,
  BODY_NOT_ALLOWED: 400,
  ORIGINAL_REQUEST_MISSING: 400,
  ORIGINAL_REQUEST_CONFLICT: 400,
  UNESCAPED_PATH_CHARACTER: 400,
  SPOOFED_GATEWAY_HEADER: 400,
};

/** Methods forwarded by default: map web services are read-only. */
export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD'];

// Origin-form with every byte a visible ASCII character other than '#'.
const ORIGIN_FORM = /^\/[!"$-~]*$/;
// A reg-name (letters, digits, '-', '_', '.', optional trailing dot), IPv4, or a bracketed IPv6
// literal, then an optional port. Nothing that could end an authority ('/', '?', '#', '@', '\').
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?|\[[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\])(?::(\d{1,5}))?$/;

/**
 * Checks a raw request target; returns the rule it breaks, or `undefined` for origin-form.
 *
 * @example checkTarget('http://other.example/x') // 'TARGET_NOT_ORIGIN_FORM'
 */
export function checkTarget(target: string): RuleReason | undefined {
  if (ORIGIN_FORM.test(target)) return undefined;
  if (target.charCodeAt(0) !== 47 /* / */) return 'TARGET_NOT_ORIGIN_FORM';
  return target.includes('#') ? 'FRAGMENT_NOT_ALLOWED' : 'MALFORMED_TARGET';
}

/**
 * True when `value` is exactly one `host[:port]` with a port from 1 to 65535.
 *
 * @example isValidHost('tiles.example.com:8443') // true
 * @example isValidHost('tiles.example.com/admin') // false
 */
export function isValidHost(value: string): boolean {
  const match = HOST.exec(value);
  if (match === null) return false;
  const port = match[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/**
 * True when `value` is `http` or `https`, in any case.
 *
 * @example isValidProto('HTTPS') // true
 */
export function isValidProto(value: string): boolean {
  return /^https?$/i.test(value);
}

/**
 * The upper-cased method list, checked to be HTTP method tokens; throws a `TypeError` naming a bad one.
 *
 * @example normaliseMethods(['get', 'HEAD', 'POST']) // ['GET', 'HEAD', 'POST']
 */
export function normaliseMethods(methods: readonly string[]): string[] {
  const out: string[] = [];
  for (const method of methods) {
    const upper = method.trim().toUpperCase();
    if (!/^[A-Z][A-Z-]{0,19}$/.test(upper) || upper === 'CONNECT') {
      throw new TypeError(`${JSON.stringify(method.slice(0, 30))} is not a method that can be forwarded; give names such as GET, HEAD, POST.`);
    }
    if (!out.includes(upper)) out.push(upper);
  }
  if (out.length === 0) throw new TypeError('Give at least one method, such as GET.');
  return out;
}
