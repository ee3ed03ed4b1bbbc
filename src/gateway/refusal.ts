/**
 * The body of a refused request, plain text or JSON, shared by the gateway and the middleware.
 *
 * Like Google's 403, it says which check failed and the exact string the server signed, so a
 * developer can compare it with what they signed. It never includes the expected signature or
 * any secret — only data the client sent.
 */
import type { Refused } from './verifier.js';

/** A rendered refusal. */
export interface RefusalBody {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const TITLES: Readonly<Record<number, string>> = { 400: 'Bad Request', 403: 'Forbidden', 414: 'URI Too Long' };

/** Response headers for a refusal: never cached, never sniffed as HTML. */
export function refusalHeaders(body: RefusalBody): Record<string, string> {
  return { 'content-type': body.contentType, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
}

/** True when the `Accept` header asks for JSON. */
export function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/(?:[\w.+-]*\+)?json/i.test(accept);
}

/**
 * Renders a refusal as text or JSON.
 *
 * @example renderRefusal(verdict, wantsJson(request.headers.get('accept') ?? undefined))
 */
export function renderRefusal(refused: Refused, json: boolean): RefusalBody {
  const { failure, status } = refused;
  if (json) {
    const error = {
      status,
      reason: failure.reason,
      message: failure.message,
      ...(failure.signedString === undefined ? {} : { checked: failure.signedString }),
      ...(failure.credentialId === undefined ? {} : { credential: failure.credentialId }),
    };
    return { status, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify({ error })}\n` };
  }
  const lines = [`${status} ${TITLES[status] ?? 'Error'}: ${failure.reason}`, failure.message];
  if (failure.signedString !== undefined) lines.push(`The server checked the signature against: ${failure.signedString}`);
  return { status, contentType: 'text/plain; charset=utf-8', body: `${lines.join('\n')}\n` };
}
