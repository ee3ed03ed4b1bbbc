/**
 * Every way the signing service says no, with its HTTP status, in the one error shape of
 * mapsign's HTTP surfaces (src/http/error-body.ts):
 * `{"error": {"status", "reason", "message", "parameter"?, "route"?}}`. A refusal carries
 * only what the caller sent or the policy's public rules — never a secret, never a signature —
 * and is never cached (`Cache-Control: no-store`).
 */
import { errorJson } from '../http/error-body.js';
import type { ParamRefusalReason } from './route-request.js';

/** Stable reason codes of refusals. */
export type SignRefusalReason =
  | ParamRefusalReason
  | 'UNKNOWN_ROUTE'
  | 'METHOD_NOT_ALLOWED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'BUDGET_EXHAUSTED'
  | 'URL_TOO_LONG'
  | 'SIGNING_FAILED';

/** What one request came to: `ok` (signed), or why not. */
export type SignOutcome = 'ok' | SignRefusalReason;

/** A refusal before it is rendered. */
export interface SignRefusal {
  readonly reason: SignRefusalReason;
  readonly message: string;
  readonly parameter?: string | undefined;
  readonly route?: string | undefined;
  /** For `RATE_LIMITED` and `BUDGET_EXHAUSTED`: the `Retry-After` seconds. */
  readonly retryAfterSeconds?: number | undefined;
}

const STATUS: Readonly<Record<SignRefusalReason, number>> = {
  UNKNOWN_PARAMETER: 400,
  PARAMETER_NOT_ALLOWED: 400,
  MISSING_PARAMETER: 400,
  FIXED_PARAMETER: 400,
  TOO_MANY_VALUES: 400,
  ORIGIN_NOT_ALLOWED: 403,
  UNKNOWN_ROUTE: 404,
  METHOD_NOT_ALLOWED: 405,
  URL_TOO_LONG: 414,
  RATE_LIMITED: 429,
  BUDGET_EXHAUSTED: 429,
  SIGNING_FAILED: 500,
};

/** An answer before it becomes a `Response` (or is written to a Node response directly). */
export interface SignAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `null` for 204, 302, 304 and HEAD. */
  readonly body: string | null;
}

/**
 * Renders a refusal; `extra` adds headers (CORS for an allowed origin).
 *
 * @example refusalAnswer({ reason: 'UNKNOWN_ROUTE', message: 'No route /x.' }, {}, false).status // 404
 */
export function refusalAnswer(refusal: SignRefusal, extra: Readonly<Record<string, string>>, head: boolean): SignAnswer {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra };
  if (refusal.retryAfterSeconds !== undefined) headers['retry-after'] = String(refusal.retryAfterSeconds);
  if (refusal.reason === 'METHOD_NOT_ALLOWED') headers['allow'] = 'GET, HEAD, OPTIONS';
  const status = STATUS[refusal.reason];
  return { status, headers, body: head ? null : errorJson({ status, reason: refusal.reason, message: refusal.message, parameter: refusal.parameter, route: refusal.route }) };
}

/**
 * The answer when the service itself failed (a count hook threw): a 500 that says nothing more.
 *
 * @example core(request).catch(() => FAILED_ANSWER)
 */
export const FAILED_ANSWER: SignAnswer = refusalAnswer({ reason: 'SIGNING_FAILED', message: 'The signing service failed; the operator should check its logs.' }, {}, false);
