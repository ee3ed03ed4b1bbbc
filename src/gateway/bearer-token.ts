/**
 * The bearer token of mapsign's admin listeners (the gateway's admin API, the signing service's
 * metrics): the check, in constant time over digests so that neither the token nor its length
 * shows in the timing, and a listener of read-only pages behind it that answers everything else
 * in the one JSON error shape.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errorJson, type ErrorFields } from '../http/error-body.js';
import type { FetchHandler } from './node-server.js';

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * A check of `Authorization` headers against `Bearer <token>`.
 *
 * @example const authorized = bearerCheck(token); if (!authorized(request.headers.get('authorization'))) return unauthorized
 */
export function bearerCheck(token: string): (authorization: string | null | undefined) => boolean {
  const expected = digest(`Bearer ${token}`);
  return (authorization) => timingSafeEqual(digest(authorization ?? ''), expected);
}

function refusal(error: ErrorFields, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(errorJson(error), { status: error.status, headers: { ...HEADERS, ...headers } });
}

/**
 * A handler serving `pages` (exact path → handler, GET only) to requests with the bearer token:
 * 401 without it, 404 for another path, 405 for another method.
 *
 * @example await serveFetch(bearerPages(token, { '/metrics': metrics.handler }), { port: 9464, host: '127.0.0.1' })
 */
export function bearerPages(token: string, pages: Readonly<Record<string, FetchHandler>>): FetchHandler {
  const authorized = bearerCheck(token);
  return async (request, client) => {
    if (!authorized(request.headers.get('authorization'))) return refusal({ status: 401, reason: 'UNAUTHORIZED', message: 'Send Authorization: Bearer <admin token>.' }, { 'www-authenticate': 'Bearer' });
    const { pathname } = new URL(request.url);
    const page = Object.hasOwn(pages, pathname) ? pages[pathname] : undefined;
    if (page === undefined) return refusal({ status: 404, reason: 'NOT_FOUND', message: `Nothing at ${JSON.stringify(pathname.slice(0, 80))}; the pages are ${Object.keys(pages).join(', ')}.` });
    if (request.method !== 'GET') return refusal({ status: 405, reason: 'METHOD_NOT_ALLOWED', message: `${request.method.slice(0, 20)} is not supported on ${pathname}; use GET.` }, { allow: 'GET' });
    return page(request, client);
  };
}
