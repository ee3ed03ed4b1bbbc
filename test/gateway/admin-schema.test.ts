/**
 * The admin API's one validator, table-driven over every keyword it knows, with the path of the
 * field at fault inside objects and lists — including the kinds the current routes do not use
 * yet (integers, booleans, lists), so a route that adds them is checked the same way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, type ObjectSchema } from '../../src/gateway/admin-schema.js';

const SCHEMA: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 5 },
    kind: { type: 'string', enum: ['alpha', 'beta'] },
    day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a UTC day' },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    strict: { type: 'boolean' },
    paths: { type: 'array', maxItems: 2, items: { type: 'string', pattern: '^/' } },
    nested: { type: 'object', additionalProperties: false, properties: { inner: { type: 'integer' } } },
  },
};

test('a conforming value passes; each problem is reported with its reason, field path and message', () => {
  assert.equal(validate(SCHEMA, { name: 'ab', kind: 'beta', day: '2026-01-31', count: 10, strict: false, paths: ['/a', '/b'], nested: { inner: -3 } }, ''), undefined);
  const cases: [unknown, string, string, string][] = [
    [{}, 'MISSING_FIELD', 'name', '"name" is required.'],
    [{ name: 'a', nmae: 'b' }, 'UNKNOWN_FIELD', 'nmae', 'Unknown field "nmae". Did you mean name? Known fields: name, kind, day, count, strict, paths, nested.'],
    [{ name: 'abcdef' }, 'INVALID_FIELD', 'name', '"name" may be at most 5 characters long, not 6.'],
    [{ name: 'a', kind: 'betta' }, 'INVALID_FIELD', 'kind', '"kind" must be one of alpha, beta, not "betta". Did you mean beta?'],
    [{ name: 'a', day: '31/01/2026' }, 'INVALID_FIELD', 'day', '"day" must match ^\\d{4}-\\d{2}-\\d{2}$ (a UTC day), not "31/01/2026".'],
    [{ name: 'a', count: 1.5 }, 'INVALID_FIELD', 'count', '"count" must be a whole number, not 1.5.'],
    [{ name: 'a', count: '3' }, 'INVALID_FIELD', 'count', '"count" must be a whole number, not a string.'],
    [{ name: 'a', count: 11 }, 'INVALID_FIELD', 'count', '"count" must be from 1 to 10, not 11.'],
    [{ name: 'a', strict: 'yes' }, 'INVALID_FIELD', 'strict', '"strict" must be true or false, not a string.'],
    [{ name: 'a', paths: '/a' }, 'INVALID_FIELD', 'paths', '"paths" must be an array, not a string.'],
    [{ name: 'a', paths: ['/a', '/b', '/c'] }, 'INVALID_FIELD', 'paths', '"paths" may hold at most 2 items, not 3.'],
    [{ name: 'a', paths: ['/a', 'b'] }, 'INVALID_FIELD', 'paths/1', '"paths/1" must match ^/, not "b".'],
    [{ name: 'a', nested: { inner: 1, outer: 2 } }, 'UNKNOWN_FIELD', 'nested/outer', 'Unknown field "outer". Known fields: inner.'],
    [{ name: 'a', nested: null }, 'INVALID_FIELD', 'nested', '"nested" must be a JSON object, not null.'],
    [null, 'INVALID_FIELD', '', 'The request body must be a JSON object, not null.'],
    [{ name: null }, 'INVALID_FIELD', 'name', '"name" must be a string, not null.'],
  ];
  for (const [value, reason, field, message] of cases) assert.deepEqual(validate(SCHEMA, value, ''), { reason, field, message }, JSON.stringify(value));
});

test('a member named like an Object.prototype property is unknown, not inherited', () => {
  assert.equal(validate(SCHEMA, JSON.parse('{"name":"a","__proto__":{"x":1}}'), '')?.field, '__proto__');
  assert.equal(validate(SCHEMA, { name: 'a', toString: 'x' }, '')?.reason, 'UNKNOWN_FIELD');
});
