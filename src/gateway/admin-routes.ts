/**
 * The admin API's endpoints as data: method, path template, query and body schemas, the
 * success response and the handler. `admin-api.ts` routes and validates with this table and
 * `admin-openapi.ts` describes it, so `/openapi.json` lists exactly what is served, with the
 * schemas that are enforced.
 *
 * Every change goes through the credential operations (`store/credential-ops.ts`), which write
 * the audit trail for the caller's context.
 */
import { MAX_CONTROL_ENTRIES, MAX_DAILY_QUOTA, MAX_LIFETIME_SECONDS, MAX_RATE_COUNT } from '../core/credential-controls.js';
import { SCHEME_NAMES } from '../core/schemes/index.js';
import type { AuditContext } from '../store/audit-trail.js';
import { parseAuditTime } from '../store/audit-range.js';
import { MAX_AUDIT_LIMIT, type MapsignStore, type UsageGrouping } from '../store/contract.js';
import { controlChangesInput, controlsInput, createCredential, DEFAULT_OVERLAP_MS, revokeCredential, rotateCredential, updateCredential } from '../store/credential-ops.js';
import { MAX_OVERLAP_MS, parseDuration } from '../store/duration.js';
import { credentialErrors, isStoreError } from '../store/errors.js';
import { checkUsageRange, parseUsageDay, USAGE_GROUPINGS } from '../store/usage-query.js';
import { readUsageReport } from '../store/usage-report.js';
import { AdminError, type QuerySchema } from './admin-request.js';
import { nullable, type ObjectSchema, type PlainSchema } from './admin-schema.js';

/** What a handler is given: the store, who is acting, and the request's validated parts. */
export interface AdminCall {
  readonly store: MapsignStore;
  readonly audit: AuditContext;
  /** Path parameters by name (`id`), percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** A JSON Schema for a response, as `/openapi.json` shows it (names under `#/components/schemas`). */
export type ResponseSchema = Readonly<Record<string, unknown>>;

/** One endpoint. */
export interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** An OpenAPI path template: `/credentials/{id}/rotate`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly query?: QuerySchema | undefined;
  readonly body?: ObjectSchema | undefined;
  readonly success: { readonly status: 200 | 201; readonly description: string; readonly schema: ResponseSchema };
  /** The error reasons beyond those of every endpoint, by status, for the document. */
  readonly errors: Readonly<Partial<Record<400 | 404 | 409, string>>>;
  handle(call: AdminCall): Promise<unknown>;
}

const ref = (name: string): ResponseSchema => ({ $ref: `#/components/schemas/${name}` });

/** Runs `parse`, reporting a store input error as a problem with `field`. */
function inField<T>(field: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isStoreError(error, 'INVALID_INPUT')) throw new AdminError(400, 'INVALID_FIELD', error.message, { field });
    throw error;
  }
}

const LABEL: PlainSchema = { type: 'string', maxLength: 200, description: 'a label for people' };

/** One list of a credential's restrictions; each item is checked further by the core's parser. */
const restrictionList = (description: string): PlainSchema => ({ type: 'array', maxItems: MAX_CONTROL_ENTRIES, items: { type: 'string', maxLength: 300 }, description });

/** A credential's controls, one schema per field, with the core's bounds (README "Restrictions", "Rate limits and quotas"). */
const CONTROL_SCHEMAS = {
  allowPaths: restrictionList('path prefixes the credential may request, e.g. /tiles/'),
  allowReferrers: restrictionList('origins (https://app.example.com) or *.example.com that may embed it'),
  allowIps: restrictionList('client networks in CIDR, IPv4 or IPv6'),
  requireExpiry: { type: 'boolean', description: 'URLs must carry a signed expires=; only true' },
  maxLifetimeSeconds: { type: 'integer', minimum: 1, maximum: MAX_LIFETIME_SECONDS, description: 'longest expires= from now, in seconds (implies requireExpiry)' },
  rateLimit: {
    type: 'object',
    additionalProperties: false,
    required: ['count', 'per'],
    properties: { count: { type: 'integer', minimum: 1, maximum: MAX_RATE_COUNT }, per: { type: 'string', enum: ['second', 'minute'] } },
    description: 'requests per second or minute, per gateway',
  },
  dailyQuota: { type: 'integer', minimum: 1, maximum: MAX_DAILY_QUOTA, description: 'requests per UTC day, across gateways' },
} as const satisfies Readonly<Record<string, PlainSchema>>;

export const CONTROLS: ObjectSchema = { type: 'object', additionalProperties: false, properties: CONTROL_SCHEMAS, description: 'restrictions and limits' };

/** The same fields, each also `null` to clear it. */
const CONTROL_CHANGES: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(CONTROL_SCHEMAS).map(([name, schema]) => [name, nullable(schema)])),
  description: 'the controls to change: a field given is set, null clears it, one left out is kept',
};

const CREATE_BODY: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scheme'],
  properties: {
    scheme: { type: 'string', enum: SCHEME_NAMES, description: 'the signing scheme' },
    id: { type: 'string', maxLength: 200, description: "the credential's id (default: a new one in the provider's format)" },
    label: LABEL,
    controls: CONTROLS,
  },
};

const UPDATE_BODY: ObjectSchema = { type: 'object', additionalProperties: false, properties: { label: nullable(LABEL), controls: CONTROL_CHANGES } };

const ROTATE_BODY: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { overlap: { type: 'string', maxLength: 40, description: 'how long the previous secret keeps working: 24h (default), 90m, 0' } },
};

const EMPTY_BODY: ObjectSchema = { type: 'object', additionalProperties: false, properties: {} };

const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const AUDIT_TIME = 'a duration back from now (24h, 7d), a UTC day (2026-01-31) or a UTC instant (2026-01-31T12:00:00Z)';

/** Every endpoint of the admin API but `/openapi.json` and the extra `routes`. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/credentials',
    operationId: 'listCredentials',
    summary: 'Every credential, oldest first (never a secret)',
    success: { status: 200, description: 'The credentials', schema: { type: 'array', items: ref('Credential') } },
    errors: {},
    handle: ({ store }) => store.listCredentials(),
  },
  {
    method: 'POST',
    path: '/credentials',
    operationId: 'createCredential',
    summary: 'Issue a credential; its secret is in `issued`, shown this once',
    body: CREATE_BODY,
    success: { status: 201, description: 'The new credential and its secret', schema: ref('IssuedCredential') },
    errors: { 409: 'CREDENTIAL_EXISTS' },
    async handle({ store, audit, body }) {
      const controls = body['controls'] === undefined ? undefined : inField('controls', () => controlsInput(body['controls']));
      const issued = await createCredential(store, { scheme: body['scheme'] as string, id: body['id'] as string | undefined, label: body['label'] as string | undefined, controls, audit });
      return { ...issued.credential, issued: issued.text };
    },
  },
  {
    method: 'GET',
    path: '/credentials/{id}',
    operationId: 'getCredential',
    summary: 'One credential and the versions of its secrets (never a secret)',
    success: { status: 200, description: 'The credential', schema: ref('Credential') },
    errors: { 404: 'CREDENTIAL_NOT_FOUND' },
    async handle({ store, params }) {
      const found = await store.getCredential(params['id']!);
      if (found === undefined) throw credentialErrors.notFound(params['id']!);
      return found;
    },
  },
  {
    method: 'PATCH',
    path: '/credentials/{id}',
    operationId: 'updateCredential',
    summary: "Change a credential's label or controls (running gateways within a second)",
    body: UPDATE_BODY,
    success: { status: 200, description: 'The credential as changed', schema: ref('Credential') },
    errors: { 404: 'CREDENTIAL_NOT_FOUND', 409: 'CREDENTIAL_REVOKED' },
    async handle({ store, audit, params, body }) {
      const controls = body['controls'] === undefined ? undefined : inField('controls', () => controlChangesInput(body['controls']));
      return updateCredential(store, params['id']!, { label: body['label'] as string | null | undefined, controls }, { audit });
    },
  },
  {
    method: 'POST',
    path: '/credentials/{id}/rotate',
    operationId: 'rotateCredential',
    summary: 'Issue a new secret; the previous ones keep working for the overlap',
    body: ROTATE_BODY,
    success: { status: 200, description: 'The credential and its new secret, shown this once', schema: ref('IssuedCredential') },
    errors: { 404: 'CREDENTIAL_NOT_FOUND', 409: 'CREDENTIAL_REVOKED' },
    async handle({ store, audit, params, body }) {
      const overlap = body['overlap'] as string | undefined;
      const overlapMs = overlap === undefined ? DEFAULT_OVERLAP_MS : inField('overlap', () => parseDuration(overlap, 'overlap', { max: MAX_OVERLAP_MS }));
      const issued = await rotateCredential(store, params['id']!, { overlapMs, audit });
      return { ...issued.credential, issued: issued.text };
    },
  },
  {
    method: 'POST',
    path: '/credentials/{id}/revoke',
    operationId: 'revokeCredential',
    summary: 'Refuse the credential from now on (running gateways within a second)',
    body: EMPTY_BODY,
    success: { status: 200, description: 'The revoked credential', schema: ref('Credential') },
    errors: { 404: 'CREDENTIAL_NOT_FOUND' },
    handle: ({ store, audit, params }) => revokeCredential(store, params['id']!, { audit }),
  },
  {
    method: 'GET',
    path: '/usage',
    operationId: 'getUsage',
    summary: 'Request counts per client, channel, day, hour or client and day, with credential labels',
    query: {
      since: { type: 'string', pattern: DAY_PATTERN, description: 'first UTC day included, YYYY-MM-DD' },
      until: { type: 'string', pattern: DAY_PATTERN, description: 'last UTC day included, YYYY-MM-DD' },
      by: { type: 'string', enum: USAGE_GROUPINGS, description: 'the grouping (default client)' },
    },
    success: { status: 200, description: 'One line per group', schema: { type: 'array', items: ref('UsageLine') } },
    errors: {},
    async handle({ store, query }) {
      const by = (query['by'] ?? 'client') as UsageGrouping;
      const { since, until } = query;
      if (since !== undefined) inField('since', () => parseUsageDay(since, 'since'));
      if (until !== undefined) inField('until', () => parseUsageDay(until, 'until'));
      inField('until', () => checkUsageRange(since, until, 'since', 'until'));
      return readUsageReport(store, { by, since, until });
    },
  },
  {
    method: 'GET',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The audit trail: admin actions and failed admin authentication, oldest first',
    query: {
      since: { type: 'string', maxLength: 40, description: `entries from: ${AUDIT_TIME}` },
      until: { type: 'string', maxLength: 40, description: `entries before (a day: through its end): ${AUDIT_TIME}` },
      limit: { type: 'string', pattern: '^[1-9]\\d{0,4}$', description: `at most this many entries, the newest (1 to ${MAX_AUDIT_LIMIT}, default ${MAX_AUDIT_LIMIT})` },
    },
    success: { status: 200, description: 'The entries', schema: { type: 'array', items: ref('AuditEntry') } },
    errors: {},
    async handle({ store, query }) {
      const now = Date.now();
      const time = (name: 'since' | 'until'): number | undefined => {
        const text = query[name];
        return text === undefined ? undefined : inField(name, () => parseAuditTime(text, name, name, now));
      };
      const limit = query['limit'] === undefined ? undefined : Number(query['limit']);
      if (limit !== undefined && limit > MAX_AUDIT_LIMIT) throw new AdminError(400, 'INVALID_FIELD', `"limit" must be from 1 to ${MAX_AUDIT_LIMIT}, not ${limit}.`, { field: 'limit' });
      return store.listAudit({ since: time('since'), until: time('until'), limit });
    },
  },
];
