/**
 * The admin API's request schemas and their one validator. Each schema is plain JSON Schema
 * (the subset below), so the same object both checks a request here and describes it in
 * `/openapi.json`: the document and the handler cannot disagree about what is accepted.
 *
 * Validation is strict, as tools expect: an unknown member is an error naming the nearest
 * known one (a misspelt `lable` must not be ignored and leave the label unset), a wrong type is
 * an error, and a required member must be there. The first problem found is reported, with the
 * path of the field at fault.
 */
import { didYouMean } from '../core/suggest.js';

/** The JSON Schema subset the admin API uses. */
export type Schema = PlainSchema | NullableSchema;

/** A schema that does not admit `null`. */
export type PlainSchema = StringSchema | IntegerSchema | BooleanSchema | ArraySchema | ObjectSchema;

/** A value of one schema, or `null` (a field an update clears): `{"anyOf": [schema, {"type": "null"}]}`. */
export interface NullableSchema extends Described {
  readonly anyOf: readonly [PlainSchema, { readonly type: 'null' }];
}

/**
 * `schema`, or `null`.
 *
 * @example nullable({ type: 'integer', minimum: 1 }) // { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] }
 */
export function nullable(schema: PlainSchema): NullableSchema {
  return { anyOf: [schema, { type: 'null' }] };
}

interface Described {
  readonly description?: string | undefined;
}

/** A string, optionally one of `enum`, matching `pattern`, at most `maxLength` long. */
export interface StringSchema extends Described {
  readonly type: 'string';
  readonly enum?: readonly string[] | undefined;
  readonly pattern?: string | undefined;
  readonly maxLength?: number | undefined;
}

/** A whole number within bounds. */
export interface IntegerSchema extends Described {
  readonly type: 'integer';
  readonly minimum?: number | undefined;
  readonly maximum?: number | undefined;
}

/** `true` or `false`. */
export interface BooleanSchema extends Described {
  readonly type: 'boolean';
}

/** A list of items of one schema. */
export interface ArraySchema extends Described {
  readonly type: 'array';
  readonly items: Schema;
  readonly maxItems?: number | undefined;
}

/** An object with known members only. */
export interface ObjectSchema extends Described {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[] | undefined;
  readonly additionalProperties: false;
}

/** Why a request field was refused. */
export type FieldReason = 'UNKNOWN_FIELD' | 'MISSING_FIELD' | 'INVALID_FIELD';

/** A refused field: its path (`label`, `allowPaths/0`), the reason and a message. */
export interface FieldProblem {
  readonly field: string;
  readonly reason: FieldReason;
  readonly message: string;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function shown(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 40) ?? String(value);
}

/** `hint` follows the sentence, e.g. a "Did you mean …?". */
function invalid(field: string, message: string, hint = ''): FieldProblem {
  return { field, reason: 'INVALID_FIELD', message: `${field === '' ? 'The request body' : `"${field}"`} ${message}.${hint}` };
}

function checkObject(schema: ObjectSchema, value: object, path: string): FieldProblem | undefined {
  const known = Object.keys(schema.properties);
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(schema.properties, name)) {
      const field = path === '' ? name : `${path}/${name}`;
      const list = known.length === 0 ? 'This endpoint takes no fields.' : `Known fields: ${known.join(', ')}.`;
      return { field, reason: 'UNKNOWN_FIELD', message: `Unknown field ${shown(name)}.${didYouMean(name, known)} ${list}` };
    }
  }
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) {
      const field = path === '' ? name : `${path}/${name}`;
      return { field, reason: 'MISSING_FIELD', message: `"${field}" is required${schema.properties[name]?.description === undefined ? '' : `: ${schema.properties[name].description}`}.` };
    }
  }
  for (const [name, member] of Object.entries(value)) {
    const problem = validate(schema.properties[name]!, member, path === '' ? name : `${path}/${name}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The first problem with `value` against `schema`, or `undefined` when it conforms; `path` names
 * the value in messages (empty for a request body).
 *
 * @example validate(CREATE_BODY, { scheme: 'google', lable: 'x' }, '') // { field: 'lable', reason: 'UNKNOWN_FIELD', … Did you mean label? … }
 */
export function validate(schema: Schema, value: unknown, path: string): FieldProblem | undefined {
  if ('anyOf' in schema) return value === null ? undefined : validate(schema.anyOf[0], value, path);
  switch (schema.type) {
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid(path, `must be a JSON object, not ${typeName(value)}`);
      return checkObject(schema, value, path);
    case 'array':
      if (!Array.isArray(value)) return invalid(path, `must be an array, not ${typeName(value)}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return invalid(path, `may hold at most ${schema.maxItems} items, not ${value.length}`);
      for (const [index, item] of value.entries()) {
        const problem = validate(schema.items, item, `${path}/${index}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : invalid(path, `must be true or false, not ${typeName(value)}`);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return invalid(path, `must be a whole number, not ${typeof value === 'number' ? shown(value) : typeName(value)}`);
      if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
        return invalid(path, `must be from ${schema.minimum ?? '-∞'} to ${schema.maximum ?? '∞'}, not ${value}`);
      }
      return undefined;
    case 'string':
      if (typeof value !== 'string') return invalid(path, `must be a string, not ${typeName(value)}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return invalid(path, `may be at most ${schema.maxLength} characters long, not ${value.length}`);
      if (schema.enum !== undefined && !schema.enum.includes(value)) return invalid(path, `must be one of ${schema.enum.join(', ')}, not ${shown(value)}`, didYouMean(value, schema.enum));
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return invalid(path, `must match ${schema.pattern}${schema.description === undefined ? '' : ` (${schema.description})`}, not ${shown(value)}`);
      return undefined;
  }
}
