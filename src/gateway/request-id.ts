/**
 * The request id that ties one request's log line, its upstream request and the client's
 * answer together. Each request gets a fresh one, unless the peer is a proxy the operator
 * trusts and it already named the request in `X-Request-Id` (nginx's `$request_id`, an AWS
 * trace id): then that id is kept, so one id follows the request through every hop. A client's
 * own `X-Request-Id` is never believed — it could collide with another request's id or smuggle
 * text into the upstream's logs — and an id that is not short and plain is replaced too.
 */
import { randomUUID } from 'node:crypto';

/** The header the id travels in, both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What a kept id may look like: at most 128 characters of letters, digits and `._:+=@/-`. */
const WELL_FORMED = /^[A-Za-z0-9._:+=@/-]{1,128}$/;

/**
 * The id for one request: the trusted proxy's well-formed `X-Request-Id`, or a new UUID.
 *
 * @example requestIdFor(req.headers['x-request-id'], screen.trusts(req.socket.remoteAddress)) // '5f0c…'
 */
export function requestIdFor(given: string | string[] | undefined, trusted: boolean): string {
  return trusted && typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}
