/**
 * The OpenAPI 3.1 description of the admin API, built from the route table (`admin-routes.ts`)
 * the handler serves, so it lists every endpoint — with the request schemas that are enforced
 * (`additionalProperties: false`) and the one error shape of `src/http/error-body.ts` — and
 * nothing that is not served. Served at `/openapi.json`, behind the same bearer token.
 */
import { MAX_BODY_BYTES } from './admin-request.js';
import { CONTROLS, type AdminRoute, type ResponseSchema } from './admin-routes.js';

/** The admin API's own version: raised when an endpoint changes incompatibly. */
const API_VERSION = '1';

const NULLABLE_TIME = { type: ['integer', 'null'], description: 'milliseconds since the epoch, or null' };

/** The response schemas the routes refer to. */
const SCHEMAS: Readonly<Record<string, ResponseSchema>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['status', 'reason', 'message'],
        properties: {
          status: { type: 'integer', description: 'the HTTP status, repeated' },
          reason: { type: 'string', description: 'a stable upper-case code, e.g. UNKNOWN_FIELD, CREDENTIAL_NOT_FOUND' },
          message: { type: 'string', description: 'what went wrong and what to do' },
          field: { type: 'string', description: 'the body member or query parameter at fault (a path such as allowPaths/0)' },
        },
      },
    },
  },
  Secret: {
    type: 'object',
    required: ['version', 'createdAt', 'expiresAt'],
    properties: { version: { type: 'integer' }, createdAt: { type: 'integer' }, expiresAt: { ...NULLABLE_TIME, description: 'end of a rotation overlap; null while current' } },
  },
  Credential: {
    type: 'object',
    required: ['id', 'scheme', 'label', 'createdAt', 'updatedAt', 'revokedAt', 'controls', 'secrets'],
    properties: {
      id: { type: 'string' },
      scheme: { type: 'string' },
      label: { type: ['string', 'null'] },
      createdAt: { type: 'integer' },
      updatedAt: NULLABLE_TIME,
      revokedAt: NULLABLE_TIME,
      controls: CONTROLS,
      secrets: { type: 'array', items: { $ref: '#/components/schemas/Secret' }, description: 'newest first; never the secret text' },
    },
  },
  IssuedCredential: {
    allOf: [
      { $ref: '#/components/schemas/Credential' },
      {
        type: 'object',
        required: ['issued'],
        properties: {
          issued: {
            type: 'object',
            required: ['id', 'secret'],
            properties: { id: { type: 'string' }, secret: { type: 'string', description: 'shown this once' }, token: { type: 'string', description: 'MapTiler: KEY_SECRET' } },
          },
        },
      },
    ],
  },
  UsageLine: {
    type: 'object',
    required: ['group', 'ok', 'refused', 'failed', 'total', 'outcomes'],
    properties: {
      group: { type: 'object', additionalProperties: { type: 'string' } },
      label: { type: ['string', 'null'], description: "the credential's label, when the group names a credential" },
      ok: { type: 'integer' },
      refused: { type: 'integer' },
      failed: { type: 'integer' },
      total: { type: 'integer' },
      outcomes: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
  AuditEntry: {
    type: 'object',
    required: ['time', 'actor', 'source', 'action', 'credentialId', 'outcome', 'count', 'details'],
    properties: {
      time: { type: 'integer', description: 'milliseconds since the epoch' },
      actor: { type: 'string', enum: ['admin-api', 'cli', 'library'] },
      source: { type: 'string', description: 'the client address (admin-api) or the OS user (cli)' },
      action: { type: 'string', enum: ['create', 'update', 'rotate', 'revoke', 'auth_failed'] },
      credentialId: { type: ['string', 'null'] },
      outcome: { type: 'string', description: 'ok, or the error reason' },
      count: { type: 'integer', description: 'events this entry stands for (failed authentication is folded per source and minute)' },
      details: { type: 'object', description: 'never a secret: e.g. overlapMs, the names of changed fields' },
    },
  },
};

function errorResponse(description: string): ResponseSchema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

function operation(route: AdminRoute): ResponseSchema {
  const responses: Record<string, ResponseSchema> = {
    [String(route.success.status)]: { description: route.success.description, content: { 'application/json': { schema: route.success.schema } } },
    401: errorResponse('UNAUTHORIZED: no or a wrong bearer token'),
    500: errorResponse('STORE_FAILED or INTERNAL'),
  };
  const bad = [...(route.body === undefined ? [] : ['INVALID_JSON']), ...(route.body === undefined && route.query === undefined ? [] : ['UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_FIELD', 'INVALID_INPUT'])];
  if (route.errors[400] !== undefined) bad.push(route.errors[400]);
  if (bad.length > 0) responses['400'] = errorResponse(bad.join(', '));
  for (const status of [404, 409] as const) if (route.errors[status] !== undefined) responses[String(status)] = errorResponse(route.errors[status]);
  if (route.body !== undefined) {
    responses['413'] = errorResponse(`BODY_TOO_LARGE: more than ${MAX_BODY_BYTES} bytes`);
    responses['415'] = errorResponse('UNSUPPORTED_MEDIA_TYPE: a body that is not application/json');
  }
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, description: schema.description, schema })),
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(route.body === undefined ? {} : { requestBody: { required: false, content: { 'application/json': { schema: route.body } } } }),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document for `routes` plus `/openapi.json` and the extra paths (`/metrics`…),
 * which are described as plain GET pages.
 *
 * @example const document = openApiDocument(ADMIN_ROUTES, ['/metrics'])
 */
export function openApiDocument(routes: readonly AdminRoute[], extraPaths: readonly string[]): ResponseSchema {
  const paths: Record<string, Record<string, ResponseSchema>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  paths['/openapi.json'] = { get: { operationId: 'getOpenApi', summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, 401: errorResponse('UNAUTHORIZED') } } };
  for (const path of extraPaths) {
    paths[path] ??= { get: { summary: 'A page served by an extension of the admin listener (see the README)', responses: { 200: { description: 'The page' }, 401: errorResponse('UNAUTHORIZED') } } };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'mapsign admin API', version: API_VERSION, description: 'Credential operations, usage and the audit trail of a mapsign gateway. Every request needs Authorization: Bearer <admin token>. Errors share one shape with the gateway\'s JSON refusals.' },
    security: [{ bearer: [] }],
    paths,
    components: { schemas: SCHEMAS, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
