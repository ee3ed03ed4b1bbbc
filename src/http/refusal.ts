/**
 * A refused request — why, with which status — and its body, plain text or JSON, shared by
 * the Node gateway, the middleware and the `fetch`-style verifier so that every one of them
 * answers the same bytes.
 *
 * Like Google's 403, it says which check failed and the exact string the server signed, so a
 * developer can compare it with what they signed. It never includes the expected signature or
 * any secret — only data the client sent.
 */
import type { VerifyFailure } from '../core/verify.js';
import type { VerifyReason } from '../core/verify-reasons.js';
import { errorJson } from './error-body.js';
import { CONTROL_STATUS, type ControlReason } from './control-reasons.js';
import { RULE_MESSAGES, RULE_STATUS, type RuleReason } from './request-rules.js';

/** Every reason a request is refused: a shape rule, a verification failure or a credential's controls. */
export type RefusalReason = RuleReason | VerifyReason | ControlReason;

/** A refused request. */
export interface Refusal {
  readonly status: 400 | 403 | 405 | 414 | 429 | 505;
  readonly reason: RefusalReason;
  readonly message: string;
  /** The string the signature was checked against, once known. */
  readonly signedString?: string | undefined;
  /** The credential the URL named, when the verifier knows it. */
  readonly credentialId?: string | undefined;
  /** For 405: the methods accepted, as the `Allow` header lists them. */
  readonly allow?: string | undefined;
  /** For 429: whole seconds to wait, as the `Retry-After` header says (RFC 9110 §10.2.3). */
  readonly retryAfter?: number | undefined;
}

/** A rendered refusal. */
export interface RefusalBody {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TITLES: Readonly<Record<number, string>> = { 400: 'Bad Request', 403: 'Forbidden', 405: 'Method Not Allowed', 414: 'URI Too Long', 429: 'Too Many Requests', 505: 'HTTP Version Not Supported' };
const VERIFY_STATUS: Partial<Record<VerifyReason, 400 | 414>> = { URL_TOO_LONG: 414, MALFORMED_URL: 400 };

/**
 * The refusal for a broken shape rule.
 *
 * @example ruleRefusal('METHOD_NOT_ALLOWED', 'GET, HEAD').status // 405
 */
export function ruleRefusal(reason: RuleReason, allow?: string): Refusal {
  return { status: RULE_STATUS[reason], reason, message: RULE_MESSAGES[reason], allow };
}

/**
 * The refusal for a URL that did not verify: 414 too long, 400 unparseable, 403 otherwise.
 *
 * @example verifyRefusal(verifyUrl(target, lookup) as VerifyFailure).status // 403
 */
export function verifyRefusal(failure: VerifyFailure): Refusal {
  return {
    status: VERIFY_STATUS[failure.reason] ?? 403,
    reason: failure.reason,
    message: failure.message,
    signedString: failure.signedString,
    credentialId: failure.credentialId,
  };
}

/**
 * The refusal of a verified request by its credential's controls; `message` names the
 * restriction or limit, `retryAfter` (seconds) goes with a 429.
 *
 * @example controlRefusal('RATE_LIMITED', 'Credential gme-acme is limited to 50/s.', 'gme-acme', 1).status // 429
 */
export function controlRefusal(reason: ControlReason, message: string, credentialId: string, retryAfter?: number): Refusal {
  return { status: CONTROL_STATUS[reason], reason, message, credentialId, retryAfter };
}

/**
 * True when the `Accept` header asks for JSON.
 *
 * @example wantsJson('application/problem+json') // true
 */
export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/(?:[\w.+-]*\+)?json/i.test(accept);
}

/** Headers that keep an error answer out of caches and sniffers. */
function errorHeaders(json: boolean): Record<string, string> {
  return {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
}

/**
 * Renders a refusal as text or JSON, with headers that keep it out of caches and sniffers.
 *
 * @example renderRefusal(refusal, wantsJson(request.headers.get('accept') ?? undefined))
 */
export function renderRefusal(refusal: Refusal, json: boolean): RefusalBody {
  const { status } = refusal;
  const headers = errorHeaders(json);
  if (refusal.allow !== undefined) headers['allow'] = refusal.allow;
  if (refusal.retryAfter !== undefined) headers['retry-after'] = String(refusal.retryAfter);
  if (json) {
    return { status, headers, body: errorJson({ status, reason: refusal.reason, message: refusal.message, checked: refusal.signedString, credential: refusal.credentialId }) };
  }
  const lines = [`${status} ${TITLES[status] ?? 'Error'}: ${refusal.reason}`, refusal.message];
  if (refusal.signedString !== undefined) lines.push(`The server checked the signature against: ${refusal.signedString}`);
  return { status, headers, body: `${lines.join('\n')}\n` };
}

/**
 * Renders why a verified request got no answer from the upstream (502, 504) or none at all
 * (408, 503), in the refusals' shape: the same JSON `{"error": {status, reason, message}}`, or
 * one line of text.
 *
 * @example renderFailure(504, 'UPSTREAM_TIMEOUT', 'The upstream service did not answer in time.', true).body // '{"error":{"status":504,…}}\n'
 */
export function renderFailure(status: number, reason: string, message: string, json: boolean): RefusalBody {
  const body = json ? errorJson({ status, reason, message }) : `${status} ${reason}: ${message}\n`;
  return { status, headers: errorHeaders(json), body };
}
