/**
 * Reading an admin API request strictly: a body is JSON (`Content-Type: application/json`), at
 * most {@link MAX_BODY_BYTES}, and conforms to its route's schema; query parameters are known,
 * given once, and conform too. Anything else is an {@link AdminError} with the status, reason
 * and field the error shape (`src/http/error-body.ts`) carries.
 */
import { CodedError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { validate, type FieldReason, type ObjectSchema, type StringSchema } from './admin-schema.js';

/** The largest request body accepted: 16 KiB, far above any admin request. */
export const MAX_BODY_BYTES = 16_384;

/**
 * Why an admin request was refused before any action (README "Admin API"); a store error's
 * code (`CREDENTIAL_NOT_FOUND`, …) is answered as it is, and `UNAUTHORIZED` before routing.
 */
export type AdminErrorReason = 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'INVALID_JSON' | 'UNSUPPORTED_MEDIA_TYPE' | 'BODY_TOO_LARGE' | 'INVALID_INPUT' | FieldReason;

/**
 * An admin request refused before any action: the status, a stable reason as its `code`, the
 * field at fault.
 *
 * @example throw new AdminError(404, 'NOT_FOUND', 'No such admin endpoint; GET /openapi.json lists them.')
 */
export class AdminError extends CodedError<AdminErrorReason> {
  override readonly name = 'AdminError';
  readonly status: 400 | 404 | 405 | 413 | 415;
  readonly field: string | undefined;
  /** For 405: the methods the path accepts. */
  readonly allow: string | undefined;

  constructor(status: AdminError['status'], reason: AdminErrorReason, message: string, extra: { field?: string | undefined; allow?: string | undefined } = {}) {
    super(reason, message);
    this.status = status;
    this.field = extra.field;
    this.allow = extra.allow;
  }
}

/** The query parameters of a route: each optional, each a string schema. */
export type QuerySchema = Readonly<Record<string, StringSchema>>;

/** Reads at most `MAX_BODY_BYTES` of the body, refusing more without reading it all. */
async function readLimited(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = (): AdminError => new AdminError(413, 'BODY_TOO_LARGE', `The request body may be at most ${MAX_BODY_BYTES} bytes.`);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (request.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AdminError(400, 'INVALID_JSON', 'The request body is not UTF-8 text.');
  }
}

/**
 * The body of `request`, checked against `schema`: an empty body counts as `{}` and needs no
 * `Content-Type`; any other must be `application/json` and parse as JSON that conforms.
 *
 * @example const body = await readBody(request, CREATE_BODY) // { scheme: 'google', label: 'acme' }
 */
export async function readBody(request: Request, schema: ObjectSchema): Promise<Record<string, unknown>> {
  const text = await readLimited(request);
  let value: unknown = {};
  if (text !== '') {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(?:;|$)/i.test(type)) {
      throw new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as JSON with Content-Type: application/json${type === '' ? '' : `, not ${JSON.stringify(type.slice(0, 40))}`}.`);
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw new AdminError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
    }
  }
  const problem = validate(schema, value, '');
  if (problem !== undefined) throw new AdminError(400, problem.reason, problem.message, { field: problem.field });
  return value as Record<string, unknown>;
}

/**
 * The query parameters of `url`, checked against `schema`: each known, at most once, conforming.
 *
 * @example readQuery(url, { since: { type: 'string' } }) // { since: '2026-01-01' }
 */
export function readQuery(url: URL, schema: QuerySchema): Record<string, string> {
  const known = Object.keys(schema);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    // Only the schema's own names: `toString` or `__proto__` are unknown like any other.
    const parameter = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (parameter === undefined) {
      const list = known.length === 0 ? 'This endpoint takes no query parameters.' : `Known parameters: ${known.join(', ')}.`;
      throw new AdminError(400, 'UNKNOWN_FIELD', `Unknown query parameter ${JSON.stringify(name.slice(0, 40))}.${didYouMean(name, known)} ${list}`, { field: name });
    }
    if (Object.hasOwn(query, name)) throw new AdminError(400, 'INVALID_FIELD', `"${name}" is given twice; give it once.`, { field: name });
    const problem = validate(parameter, value, name);
    if (problem !== undefined) throw new AdminError(400, problem.reason, problem.message, { field: problem.field });
    query[name] = value;
  }
  return query;
}
