/**
 * The admin HTTP API: the credential operations of `mapsign credentials` and the usage report
 * of `mapsign usage`, for automation. It is a separate `fetch`-style handler, served on its own
 * port or unix socket so it never shares a listener with public traffic, and every request
 * needs `Authorization: Bearer <admin token>` (compared in constant time).
 *
 *   GET  /credentials                 list (no secrets)
 *   POST /credentials                 {scheme, id?, label?} → 201 with the secret, shown once
 *   GET  /credentials/:id             one credential (no secrets)
 *   POST /credentials/:id/rotate      {overlap?: "24h"} → the new secret, shown once
 *   POST /credentials/:id/revoke      → the revoked credential
 *   GET  /usage?since=YYYY-MM-DD&until=YYYY-MM-DD&by=client|channel|day|hour|client-day
 *
 * Further exact paths (the usage page's data, metrics) are plugged in with `routes`, behind the
 * same token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SCHEME_LIST } from '../core/schemes/index.js';
import type { MapsignStore, UsageGrouping } from '../store/contract.js';
import { createCredential, DEFAULT_OVERLAP_MS, rotateCredential } from '../store/credential-ops.js';
import { MAX_OVERLAP_MS, parseDuration } from '../store/duration.js';
import { checkUsageRange, parseUsageDay, USAGE_GROUPINGS } from '../store/usage-query.js';
import { isStoreError, StoreError, type StoreErrorCode } from '../store/errors.js';
import { readUsageReport } from '../store/usage-report.js';
import type { FetchHandler } from './node-server.js';

/** Options for {@link createAdminApi}. */
export interface AdminApiOptions {
  readonly store: MapsignStore;
  /** The bearer token; at least 16 characters. */
  readonly token: string;
  /** More endpoints by exact path (e.g. `/usage/chart`), answered after the same token check. */
  readonly routes?: Readonly<Record<string, FetchHandler>> | undefined;
}

const STATUS: Readonly<Record<StoreErrorCode, number>> = { CREDENTIAL_EXISTS: 409, CREDENTIAL_NOT_FOUND: 404, CREDENTIAL_REVOKED: 409, DRIVER_MISSING: 500, INVALID_INPUT: 400, STORE_FAILED: 500 };

function json(status: number, value: unknown): Response {
  return new Response(`${JSON.stringify(value, null, 2)}\n`, { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new StoreError('INVALID_INPUT', 'The request body must be a JSON object.');
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new StoreError('INVALID_INPUT', `"${name}" must be a string.`);
  return value;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StoreError('INVALID_INPUT', 'The path has a malformed percent-escape.');
  }
}

/**
 * Creates the admin API handler.
 *
 * @example await serveFetch(createAdminApi({ store, token: process.env.MAPSIGN_ADMIN_TOKEN! }), { path: '/run/mapsign-admin.sock' })
 */
export function createAdminApi(options: AdminApiOptions): FetchHandler {
  if (options.token.length < 16) throw new StoreError('INVALID_INPUT', 'The admin token must be at least 16 characters; generate one with `openssl rand -hex 32`.');
  const expected = digest(`Bearer ${options.token}`);
  const { store } = options;
  const routes = options.routes ?? {};
  const route = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const parts = url.pathname.split('/').filter((part) => part !== '').map(decodePart);
    const method = request.method;
    const extra = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (extra !== undefined) return extra(request);
    if (parts[0] === 'usage' && parts.length === 1 && method === 'GET') {
      const by = (url.searchParams.get('by') ?? 'client') as UsageGrouping;
      if (!USAGE_GROUPINGS.includes(by)) throw new StoreError('INVALID_INPUT', `by must be one of ${USAGE_GROUPINGS.join(', ')}.`);
      const since = url.searchParams.get('since') ?? undefined;
      if (since !== undefined) parseUsageDay(since, 'since');
      const until = url.searchParams.get('until') ?? undefined;
      if (until !== undefined) parseUsageDay(until, 'until');
      checkUsageRange(since, until, 'since', 'until');
      return json(200, await readUsageReport(store, { by, since, until }));
    }
    if (parts[0] !== 'credentials' || parts.length > 3) return json(404, { error: { code: 'NOT_FOUND', message: 'No such admin endpoint; see the README section "Admin API".' } });
    const id = parts[1];
    if (id === undefined && method === 'GET') return json(200, await store.listCredentials());
    if (id === undefined && method === 'POST') {
      const body = await readJson(request);
      const scheme = optionalString(body, 'scheme');
      if (scheme === undefined) throw new StoreError('INVALID_INPUT', `"scheme" is required: ${SCHEME_LIST}.`);
      const chosenId = optionalString(body, 'id');
      const label = optionalString(body, 'label');
      const issued = await createCredential(store, { scheme, id: chosenId, label });
      return json(201, { ...issued.credential, issued: issued.text });
    }
    if (id !== undefined && parts.length === 2 && method === 'GET') {
      const found = await store.getCredential(id);
      if (found === undefined) throw new StoreError('CREDENTIAL_NOT_FOUND', `No credential with id ${id}.`);
      return json(200, found);
    }
    if (id !== undefined && parts[2] === 'rotate' && method === 'POST') {
      const overlap = optionalString(await readJson(request), 'overlap');
      const overlapMs = overlap === undefined ? DEFAULT_OVERLAP_MS : parseDuration(overlap, 'overlap', { max: MAX_OVERLAP_MS });
      const issued = await rotateCredential(store, id, { overlapMs });
      return json(200, { ...issued.credential, issued: issued.text });
    }
    if (id !== undefined && parts[2] === 'revoke' && method === 'POST') {
      await store.revokeCredential(id, Date.now());
      return json(200, await store.getCredential(id));
    }
    return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not supported on ${url.pathname}.` } });
  };
  return async (request) => {
    const given = digest(request.headers.get('authorization') ?? '');
    if (!timingSafeEqual(given, expected)) {
      return new Response('{"error":{"code":"UNAUTHORIZED","message":"Send Authorization: Bearer <admin token>."}}\n', {
        status: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
      });
    }
    try {
      return await route(request);
    } catch (error) {
      if (isStoreError(error)) return json(STATUS[error.code], { error: { code: error.code, message: error.message } });
      return json(500, { error: { code: 'INTERNAL', message: 'The admin request failed; see the gateway log.' } });
    }
  };
}
