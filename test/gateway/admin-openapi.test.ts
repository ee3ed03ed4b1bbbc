/**
 * `/openapi.json` against the handler it describes: a structurally valid OpenAPI 3.1 document
 * (every `$ref` resolves, path parameters declared, known keywords only, unique operation ids);
 * the router answers exactly the paths and methods the document lists (probed, including near
 * misses, so a route added to one and not the other fails); and every request schema rejects
 * what the handler rejects — unknown members (`additionalProperties: false`), missing required
 * ones, wrong types, values outside an enum or pattern; and, the other way, the controls
 * schema's bounds are the core's (a value at the bound is accepted by both, one past by neither).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseControls } from '../../src/core/credential-controls.js';
import { isMapsignError } from '../../src/core/errors.js';
import { memoryAdmin } from './admin-helpers.js';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const SCHEMA_KEYWORDS = new Set(['anyOf', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'pattern', 'maxLength', 'minimum', 'maximum', 'maxItems', 'description', '$ref', 'allOf']);

type Json = any;

/** Every value in `node` (depth first) with its JSON pointer. */
function* walk(node: Json, pointer = ''): Generator<[Json, string]> {
  yield [node, pointer];
  if (node !== null && typeof node === 'object') for (const [key, value] of Object.entries(node)) yield* walk(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
}

function resolve(document: Json, ref: string): Json {
  assert.match(ref, /^#\//, `local ref ${ref}`);
  return ref.slice(2).split('/').reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

/** Checks one JSON Schema: known keywords only, recursively. */
function checkSchema(schema: Json, where: string): void {
  assert.equal(typeof schema, 'object', where);
  for (const key of Object.keys(schema)) assert.ok(SCHEMA_KEYWORDS.has(key), `${where}: unknown keyword ${key}`);
  for (const [name, member] of Object.entries(schema.properties ?? {})) checkSchema(member, `${where}/properties/${name}`);
  if (typeof schema.items === 'object') checkSchema(schema.items, `${where}/items`);
  if (typeof schema.additionalProperties === 'object') checkSchema(schema.additionalProperties, `${where}/additionalProperties`);
  for (const [i, part] of (schema.allOf ?? []).entries()) checkSchema(part, `${where}/allOf/${i}`);
  for (const [i, part] of (schema.anyOf ?? []).entries()) checkSchema(part, `${where}/anyOf/${i}`);
  for (const name of schema.required ?? []) assert.ok(name in (schema.properties ?? {}), `${where}: required ${name} is a property`);
}

/** The operations of the document as [template, METHOD, operation]. */
function operations(document: Json): [string, string, Json][] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) => Object.entries(item as Record<string, Json>).map(([method, op]): [string, string, Json] => [path, method.toUpperCase(), op]));
}

function templateMatches(template: string, path: string): boolean {
  return new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`).test(path);
}

test('/openapi.json is a valid OpenAPI 3.1 document, behind the token', async (t) => {
  const { call } = memoryAdmin(t, { routes: { '/metrics': async () => new Response('# metrics\n') } });
  assert.equal((await call('GET', '/openapi.json', undefined, { token: null })).status, 401);
  const answer = await call('GET', '/openapi.json');
  assert.equal(answer.status, 200);
  const document = answer.json;
  assert.match(document.openapi, /^3\.1\.\d+$/);
  assert.equal(typeof document.info.title, 'string');
  assert.equal(typeof document.info.version, 'string');
  for (const requirement of document.security) for (const name of Object.keys(requirement)) assert.ok(name in document.components.securitySchemes, name);
  for (const [value, pointer] of walk(document)) if (value?.$ref !== undefined) assert.notEqual(resolve(document, value.$ref), undefined, `${pointer}: ${value.$ref} resolves`);
  for (const [name, schema] of Object.entries(document.components.schemas)) checkSchema(schema, name);
  const ids = new Set<string>();
  for (const [path, method, op] of operations(document)) {
    const where = `${method} ${path}`;
    assert.match(path, /^\//, where);
    assert.ok(METHODS.includes(method), where);
    if (op.operationId !== undefined) {
      assert.ok(!ids.has(op.operationId), `${where}: unique operationId`);
      ids.add(op.operationId);
    }
    assert.ok(Object.keys(op.responses).length > 0, where);
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      assert.match(status, /^[1-5]\d\d$/, where);
      assert.equal(typeof response.description, 'string', `${where} ${status}`);
      for (const media of Object.values(response.content ?? {}) as Json[]) checkSchema(media.schema, `${where} ${status}`);
    }
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const declared = (op.parameters ?? []).filter((p: Json) => p.in === 'path');
    assert.deepEqual(declared.map((p: Json) => p.name), templated, `${where}: path parameters declared`);
    for (const p of op.parameters ?? []) {
      assert.ok(['query', 'path'].includes(p.in), where);
      if (p.in === 'path') assert.equal(p.required, true, where);
      checkSchema(p.schema, `${where} ${p.name}`);
    }
    if (op.requestBody !== undefined) {
      const schema = op.requestBody.content['application/json'].schema;
      checkSchema(schema, `${where} body`);
      assert.equal(schema.additionalProperties, false, `${where}: the body schema is closed`);
    }
  }
});

test('the router answers exactly the paths and methods /openapi.json lists', async (t) => {
  const { call } = memoryAdmin(t, { routes: { '/metrics': async () => new Response('# metrics\n') } });
  const document = (await call('GET', '/openapi.json')).json;
  const id = (await call('POST', '/credentials', { scheme: 'google' })).json.id as string;
  const listed = operations(document);
  const instances = Object.keys(document.paths).map((template) => template.replace(/\{\w+\}/g, id));
  // The endpoints the README names (known apart from the document), the document's own, and
  // near misses: one more segment, the last one changed, an unknown id, the root.
  const readme = ['/credentials', `/credentials/${id}`, `/credentials/${id}/rotate`, `/credentials/${id}/revoke`, '/usage', '/audit', '/openapi.json', '/metrics', '/healthz'];
  const probes = new Set(['/', '/nothing', `/credentials/${id}/nothing`, '/credentials/missing', '/credentials/missing/rotate', ...readme, ...instances, ...instances.map((p) => `${p}/x`), ...instances.map((p) => p.replace(/[^/]+$/, 'x'))]);
  for (const path of probes) {
    for (const method of METHODS) {
      const answer = await call(method, path, method === 'GET' ? undefined : {});
      const routed = !(answer.status === 405 || (answer.status === 404 && answer.json?.error?.reason === 'NOT_FOUND'));
      const documented = listed.some(([template, m]) => m === method && templateMatches(template, path));
      assert.equal(routed, documented, `${method} ${path} answered ${answer.status} ${JSON.stringify(answer.json?.error ?? '')}`);
      if (answer.status === 405) {
        const allowed = listed.filter(([template]) => templateMatches(template, path)).map(([, m]) => m);
        assert.deepEqual(answer.headers.get('allow')?.split(', ').sort(), allowed.sort(), `${method} ${path}: Allow lists the documented methods`);
      }
    }
  }
});

/** A value of the wrong type for `schema`. */
function wrongType(schema: Json): unknown {
  if (schema.anyOf !== undefined) return wrongType(schema.anyOf[0]);
  return ({ string: 42, integer: 'one', boolean: 'yes', array: 'x', object: [] } as Record<string, unknown>)[schema.type];
}

/** A value `schema` accepts. */
function validValue(schema: Json): unknown {
  if (schema.enum !== undefined) return schema.enum[0];
  return ({ string: 'x', integer: schema.minimum ?? 0, boolean: true, array: [] } as Record<string, unknown>)[schema.type];
}

test('every request schema in /openapi.json rejects what the handler rejects, and accepts what it accepts', async (t) => {
  const { call } = memoryAdmin(t);
  const document = (await call('GET', '/openapi.json')).json;
  let checked = 0;
  for (const [template, method, op] of operations(document)) {
    const path = (): Promise<string> => (template.includes('{id}') ? call('POST', '/credentials', { scheme: 'google' }).then((a) => template.replace('{id}', a.json.id)) : Promise.resolve(template));
    const expect = async (body: unknown, query: string, reason: string, field: string): Promise<void> => {
      const answer = await call(method, `${await path()}${query}`, body);
      assert.equal(answer.status, 400, `${method} ${template}${query} ${JSON.stringify(body)}`);
      assert.deepEqual([answer.json.error.reason, answer.json.error.field], [reason, field], `${method} ${template}${query} ${JSON.stringify(body)}`);
      checked += 1;
    };
    const schema = op.requestBody?.content['application/json'].schema;
    if (schema !== undefined) {
      const base = Object.fromEntries((schema.required ?? []).map((name: string) => [name, validValue(schema.properties[name])]));
      await expect({ ...base, zzUnknown: 1 }, '', 'UNKNOWN_FIELD', 'zzUnknown');
      for (const name of schema.required ?? []) await expect(Object.fromEntries(Object.entries(base).filter(([key]) => key !== name)), '', 'MISSING_FIELD', name);
      for (const [name, member] of Object.entries(schema.properties as Record<string, Json>)) {
        await expect({ ...base, [name]: wrongType(member) }, '', 'INVALID_FIELD', name);
        if (member.enum !== undefined) await expect({ ...base, [name]: 'zz-not-listed' }, '', 'INVALID_FIELD', name);
      }
      if (method !== 'GET') assert.ok((await call(method, await path(), base)).status < 300, `${method} ${template}: the minimal valid body is accepted`);
    }
    const body = schema === undefined ? undefined : Object.fromEntries((schema.required ?? []).map((name: string) => [name, validValue(schema.properties[name])]));
    await expect(body, '?zzUnknown=1', 'UNKNOWN_FIELD', 'zzUnknown');
    for (const parameter of (op.parameters ?? []).filter((p: Json) => p.in === 'query')) {
      if (parameter.schema.enum !== undefined || parameter.schema.pattern !== undefined) await expect(body, `?${parameter.name}=zz!`, 'INVALID_FIELD', parameter.name);
    }
  }
  assert.ok(checked >= 20, `${checked} refusals checked`);
});

/** Valid, distinct entries for each list of the controls, by field. */
const LIST_ENTRY: Readonly<Record<string, (i: number) => string>> = {
  allowPaths: (i) => `/p${i}/`,
  allowReferrers: (i) => `https://a${i}.example.com`,
  allowIps: (i) => `10.0.${i}.0/24`,
};

/**
 * Every bounded member of the controls schema, as [path, value at the bound, value one past]:
 * each integer must carry a `maximum` and each list a `maxItems`, or the schema would accept
 * what the core refuses.
 */
function boundedControls(controls: Json): [string, Json, Json][] {
  const out: [string, Json, Json][] = [];
  for (const [name, member] of Object.entries(controls.properties as Record<string, Json>)) {
    if (member.type === 'integer') {
      assert.equal(typeof member.maximum, 'number', `controls/${name} has a maximum`);
      out.push([name, member.maximum, member.maximum + 1]);
    } else if (member.type === 'array') {
      assert.equal(typeof member.maxItems, 'number', `controls/${name} has maxItems`);
      const entries = (n: number): string[] => Array.from({ length: n }, (_, i) => LIST_ENTRY[name]!(i));
      out.push([name, entries(member.maxItems), entries(member.maxItems + 1)]);
    } else if (member.type === 'object') {
      const rest = Object.fromEntries(Object.entries(member.properties as Record<string, Json>).filter(([, p]) => p.enum !== undefined).map(([key, p]) => [key, p.enum[0]]));
      for (const [key, inner] of Object.entries(member.properties as Record<string, Json>)) {
        if (inner.type !== 'integer') continue;
        assert.equal(typeof inner.maximum, 'number', `controls/${name}/${key} has a maximum`);
        out.push([`${name}/${key}`, { ...rest, [key]: inner.maximum }, { ...rest, [key]: inner.maximum + 1 }]);
      }
    }
  }
  return out;
}

test('the controls schema carries the core bounds: at the bound both accept, one past both refuse', async (t) => {
  const { call } = memoryAdmin(t);
  const document = (await call('GET', '/openapi.json')).json;
  const create = document.paths['/credentials'].post.requestBody.content['application/json'].schema;
  const bounded = boundedControls(create.properties.controls);
  assert.deepEqual(bounded.map(([path]) => path).sort(), ['allowIps', 'allowPaths', 'allowReferrers', 'dailyQuota', 'maxLifetimeSeconds', 'rateLimit/count'].sort());
  const id = (await call('POST', '/credentials', { scheme: 'google' })).json.id as string;
  for (const [path, atBound, pastBound] of bounded) {
    const field = path.split('/')[0]!;
    assert.doesNotThrow(() => parseControls({ [field]: atBound }), `the core accepts ${path} at the bound`);
    const created = await call('POST', '/credentials', { scheme: 'google', controls: { [field]: atBound } });
    assert.equal(created.status, 201, `POST ${path} at the bound: ${JSON.stringify(created.json?.error)}`);
    const patched = await call('PATCH', `/credentials/${id}`, { controls: { [field]: atBound } });
    assert.equal(patched.status, 200, `PATCH ${path} at the bound: ${JSON.stringify(patched.json?.error)}`);
    assert.throws(() => parseControls({ [field]: pastBound }), (e) => isMapsignError(e, 'INVALID_ARGUMENT'), `the core refuses ${path} one past the bound`);
    for (const [method, target, body] of [['POST', '/credentials', { scheme: 'google', controls: { [field]: pastBound } }], ['PATCH', `/credentials/${id}`, { controls: { [field]: pastBound } }]] as const) {
      const refused = await call(method, target, body);
      assert.deepEqual([refused.status, refused.json.error.reason, refused.json.error.field], [400, 'INVALID_FIELD', `controls/${path}`], `${method} ${path} one past the bound`);
    }
  }
});
