/**
 * The JSON Schema the package ships (`mapsign/schema/sign-policy.schema.json`) and the runtime
 * validator agree: on every case of `policy-cases.ts` the schema (under Ajv's draft 2020-12
 * validator, strict mode but for `strictRequired`, which forbids the standard `if/then: required` idiom) gives the listed verdict, and where it says valid but the runtime
 * refuses, the case is one of the checks a schema cannot express, which its description names.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { parsePolicy } from '../../src/signer/index.js';
import { POLICY_CASES } from './policy-cases.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/sign-policy.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);

describe('the policy JSON Schema', () => {
  it('is exported by the package', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown>; files: string[] };
    assert.equal(manifest.exports['./schema/sign-policy.schema.json'], './schema/sign-policy.schema.json');
    assert.ok(manifest.files.includes('schema'));
  });

  for (const { name, json, error, schemaValid } of POLICY_CASES) {
    it(`${schemaValid ? 'accepts' : 'refuses'} ${name}${schemaValid && error !== undefined ? ' (only the runtime refuses it)' : ''}`, () => {
      assert.equal(validate(json), schemaValid, JSON.stringify(validate.errors));
      // The schema never accepts less than the runtime: everything it refuses, the runtime refuses.
      if (!schemaValid) assert.notEqual(error, undefined);
    });
  }

  it('names in its description what only the runtime checks', () => {
    const description = String(schema['description']);
    for (const check of ['regular expression', 'minimum exceeds its maximum', 'required name not declared', 'both fixed and in params', 'as browsers send it', 'lifetime outside 10s to 30d']) assert.ok(description.includes(check), check);
  });

  it('on random policies, whatever the runtime accepts, the schema accepts (so it refuses only what the runtime refuses)', () => {
    const junk = fc.constantFrom<unknown>(null, 0, 2.5, -1, '', 'x', [], {}, true, ['a', 'a']);
    /** Mostly a valid value, sometimes a wrong one of the right type, rarely junk of any type. */
    const field = <T>(valid: readonly T[], wrong: readonly unknown[]): fc.Arbitrary<unknown> =>
      fc.oneof({ weight: 40, arbitrary: fc.constantFrom(...valid) }, { weight: 2, arbitrary: wrong.length === 0 ? junk : fc.constantFrom(...wrong) }, { weight: 1, arbitrary: junk });
    const rule = fc.oneof(
      fc.record({ pattern: field(['\\d+', '[a-z]{1,3}'], ['(', '']) }),
      fc.record({ integer: field([[0, 21], [3, 3]], [[5, 1], [0, 1.5], [1]]) }),
      fc.record({ enum: field([['a'], ['a', 'b']], [[], ['a', 'a']]) }),
      fc.record({ integer: fc.constant([0, 9]), repeat: field([1, 5], [0, 1.5]) }),
      fc.constantFrom({}, { pattern: 'a', enum: ['a'] }, { integer: [0, 1], max: 2 }),
    );
    const route = fc.record(
      {
        url: field(['https://maps.googleapis.com/maps/api/staticmap', 'http://127.0.0.1:8790/x'], ['https://x.test/a?b=c', 'ftp://x', 'https://x.test/a#f']),
        scheme: field(['google', 'streetmaps'], ['bing']),
        key: field(['AIzaSyTEST'], ['']),
        client: field(['gme-acme'], ['']),
        secretEnv: field(['MAPSIGN_SECRET', 'MY_TOKEN'], ['bad-name', '1X']),
        space: field(['plus', 'percent'], ['tab']),
        params: fc.oneof({ weight: 20, arbitrary: fc.dictionary(fc.constantFrom('zoom', 'center', 'size'), rule, { maxKeys: 3 }) }, { weight: 1, arbitrary: fc.constantFrom({ key: { pattern: 'a' } }, { '': { pattern: 'a' } }, null) }),
        fixed: field([{ scale: '2' }, { style: ['a', 'b'] }], [{ scale: '' }, { signature: 'x' }, { scale: 2 }, { style: [] }]),
        required: field([[]], [['zoom'], ['nope'], ['zoom', 'zoom']]),
        limits: field([{ perClientPerMinute: 60 }, { dailyBudget: 100, perOriginPerMinute: 5 }], [{ perClientPerMinute: 0 }, { dailyBudget: -1 }, { perHour: 1 }]),
        cacheControl: field(['public, max-age=60'], ['no\nnewline']),
        lifetime: field(['10m', '1h'], ['600', '0m', '5s']),
      },
      { requiredKeys: ['url', 'scheme'] },
    );
    const policy = fc.record(
      {
        allowedOrigins: field([['https://app.example.com'], [], ['http://127.0.0.1:8000']], [['https://app.example.com/'], ['https://App.example.com'], ['a', 'a']]),
        allowNoOrigin: field([true, false], ['yes']),
        cacheControl: field(['public, max-age=60'], ['']),
        routes: fc.oneof({ weight: 20, arbitrary: fc.dictionary(fc.constantFrom('staticmap', 'tiles'), route, { minKeys: 1, maxKeys: 2 }) }, { weight: 1, arbitrary: fc.constantFrom({}, { 'a/b': {} }, []) }),
        $schema: fc.constant('../../schema/sign-policy.schema.json'),
      },
      { requiredKeys: ['allowedOrigins', 'routes'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(policy, (json) => {
        let runtime = true;
        try {
          parsePolicy(json);
        } catch {
          runtime = false;
        }
        if (runtime) accepted++;
        // The runtime may refuse more (what a schema cannot express), never less.
        if (runtime) assert.equal(validate(json), true, JSON.stringify(validate.errors));
      }),
      { numRuns: 2000 },
    );
    assert.ok(accepted > 20, `some random policies were valid (${accepted})`);
  });
});
