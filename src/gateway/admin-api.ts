/**
 * The admin HTTP API: the credential operations of `mapsign credentials`, the usage report of
 * `mapsign usage` and the audit trail of `mapsign audit`, for automation. It is a separate
 * `fetch`-style handler, served on its own port or unix socket so it never shares a listener
 * with public traffic, and every request — `/openapi.json` and the extra `routes` included —
 * needs `Authorization: Bearer <admin token>` (compared in constant time).
 *
 *   GET   /credentials                 list (no secrets)
 *   POST  /credentials                 {scheme, id?, label?, controls?} → 201 with the secret, shown once
 *   GET   /credentials/:id             one credential (no secrets)
 *   PATCH /credentials/:id             {label?, controls?} (null clears) → the credential as changed
 *   POST  /credentials/:id/rotate      {overlap?: "24h"} → the new secret, shown once
 *   POST  /credentials/:id/revoke      → the revoked credential
 *   GET   /usage?since=YYYY-MM-DD&until=YYYY-MM-DD&by=client|channel|day|hour|client-day
 *   GET   /audit?since=24h&until=…&limit=N
 *   GET   /openapi.json                this API as OpenAPI 3.1 (built from the same route table)
 *
 * `admin-routes.ts` is the table, and `/openapi.json` its exact description (schemas included);
 * this list is a summary. The extra `routes` (`/metrics`, `/usage/chart`) are GET only.
 *
 * Requests are validated strictly (`admin-request.ts`) and every error has the one shape of
 * the gateway's JSON refusals, `{"error":{"status","reason","message","field"?}}`. Each action
 * is audited with the client's address as its source; failed authentication is audited too,
 * folded per address and minute (`admin-auth-audit.ts`).
 */
import { errorJson, type ErrorFields } from '../http/error-body.js';
import type { AuditEntry, MapsignStore } from '../store/contract.js';
import { isStoreError, StoreError, type StoreErrorCode } from '../store/errors.js';
import { AuthFailureAudit } from './admin-auth-audit.js';
import { bearerCheck } from './bearer-token.js';
import { openApiDocument } from './admin-openapi.js';
import { AdminError, readBody, readQuery } from './admin-request.js';
import { ADMIN_ROUTES, type AdminRoute } from './admin-routes.js';
import type { ClientInfo, FetchHandler } from './node-server.js';

/** Options for {@link createAdminApi}. */
export interface AdminApiOptions {
  readonly store: MapsignStore;
  /** The bearer token; at least 16 characters. */
  readonly token: string;
  /** Extra pages on the admin listener (`/metrics`, …): exact path → handler, for GET, behind the same token. */
  readonly routes?: Readonly<Record<string, FetchHandler>> | undefined;
  /** Told each audit entry once stored (the gateway writes it as a JSON line to stderr). */
  readonly onAudit?: ((entry: AuditEntry) => void) | undefined;
  /** Told what an operator should know: an audit entry not stored, an unexpected error. */
  readonly warn?: ((message: string) => void) | undefined;
}

/** The admin API: a `fetch`-style handler, and `close()` to write the failed-auth counts still pending. */
export interface AdminApi extends FetchHandler {
  close(): Promise<void>;
}

const STATUS: Readonly<Record<StoreErrorCode, number>> = { CREDENTIAL_EXISTS: 409, CREDENTIAL_NOT_FOUND: 404, CREDENTIAL_REVOKED: 409, DRIVER_MISSING: 500, INVALID_INPUT: 400, STORE_FAILED: 500 };
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function json(status: number, value: unknown): Response {
  return new Response(`${JSON.stringify(value, null, 2)}\n`, { status, headers: HEADERS });
}

function errorResponse(error: ErrorFields, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(errorJson(error), { status: error.status, headers: { ...HEADERS, ...headers } });
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new AdminError(400, 'INVALID_INPUT', 'The path has a malformed percent-escape.');
  }
}

/** The path parameters when `parts` fit the template, else `undefined`. */
function match(template: string, parts: readonly string[]): Record<string, string> | undefined {
  const pattern = template.split('/').filter((part) => part !== '');
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined) params[name] = parts[i]!;
    else if (part !== parts[i]) return undefined;
  }
  return params;
}

/** Turns any failure into the error shape; unexpected ones are told to `warn`, never sent. */
function failure(error: unknown, warn: (message: string) => void): Response {
  if (error instanceof AdminError) return errorResponse({ status: error.status, reason: error.code, message: error.message, field: error.field }, error.allow === undefined ? {} : { allow: error.allow });
  if (isStoreError(error)) return errorResponse({ status: STATUS[error.code], reason: error.code, message: error.message });
  warn(`An admin request failed: ${(error as Error).message}`);
  return errorResponse({ status: 500, reason: 'INTERNAL', message: 'The admin request failed; see the gateway log.' });
}

/**
 * Creates the admin API handler.
 *
 * @example await serveFetch(createAdminApi({ store, token: process.env.MAPSIGN_ADMIN_TOKEN! }), { path: '/run/mapsign-admin.sock' })
 */
export function createAdminApi(options: AdminApiOptions): AdminApi {
  if (options.token.length < 16) throw new StoreError('INVALID_INPUT', 'The admin token must be at least 16 characters; generate one with `openssl rand -hex 32`.');
  const authorized = bearerCheck(options.token);
  const { store } = options;
  const warn = options.warn ?? (() => {});
  const extra = options.routes ?? {};
  const document = openApiDocument(ADMIN_ROUTES, Object.keys(extra));
  const pages: Readonly<Record<string, FetchHandler>> = {
    ...extra,
    '/openapi.json': async (request) => {
      readQuery(new URL(request.url), {});
      return json(200, document);
    },
  };
  const authFailures = new AuthFailureAudit(store, { context: { onEntry: options.onAudit, warn } });

  const route = async (request: Request, source: string, client: ClientInfo | undefined): Promise<Response> => {
    const url = new URL(request.url);
    const page = Object.hasOwn(pages, url.pathname) ? pages[url.pathname] : undefined;
    if (page !== undefined) {
      // Extra pages are read-only, as the document describes them.
      if (request.method !== 'GET') throw new AdminError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not supported on ${url.pathname}; use GET.`, { allow: 'GET' });
      return page(request, client);
    }
    const parts = url.pathname.split('/').filter((part) => part !== '').map(decodePart);
    const matching = ADMIN_ROUTES.map((candidate) => [candidate, match(candidate.path, parts)] as const).filter((pair): pair is [AdminRoute, Record<string, string>] => pair[1] !== undefined);
    if (matching.length === 0) throw new AdminError(404, 'NOT_FOUND', 'No such admin endpoint; GET /openapi.json lists them (see also the README section "Admin API").');
    const found = matching.find(([candidate]) => candidate.method === request.method);
    if (found === undefined) {
      const allow = matching.map(([candidate]) => candidate.method).join(', ');
      throw new AdminError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not supported on ${url.pathname}; use ${allow}.`, { allow });
    }
    const [chosen, params] = found;
    const query = readQuery(url, chosen.query ?? {});
    const body = chosen.body === undefined ? {} : await readBody(request, chosen.body);
    const audit = { actor: 'admin-api', source, onEntry: options.onAudit, warn } as const;
    return json(chosen.success.status, await chosen.handle({ store, audit, params, query, body }));
  };

  const handler = async (request: Request, client?: ClientInfo): Promise<Response> => {
    const source = client?.address ?? 'unknown';
    if (!authorized(request.headers.get('authorization'))) {
      authFailures.failed(source);
      return errorResponse({ status: 401, reason: 'UNAUTHORIZED', message: 'Send Authorization: Bearer <admin token>.' }, { 'www-authenticate': 'Bearer' });
    }
    try {
      return await route(request, source, client);
    } catch (error) {
      return failure(error, warn);
    }
  };
  return Object.assign(handler, { close: () => authFailures.close() });
}
