/**
 * The policy parser: every case of `policy-cases.ts` is accepted or refused with an error whose
 * message starts with the JSON path of the problem, and a valid policy comes out in the form
 * the service uses (anchored patterns, defaults, fixed parameters in order).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CACHE_CONTROL, parsePolicy, SignerError } from '../../src/signer/index.js';
import { POLICY_JSON } from './helpers.js';
import { POLICY_CASES } from './policy-cases.js';

describe('parsePolicy', () => {
  for (const { name, json, error } of POLICY_CASES) {
    it(`${error === undefined ? 'accepts' : 'refuses'} ${name}`, () => {
      if (error === undefined) {
        parsePolicy(json);
        return;
      }
      assert.throws(
        () => parsePolicy(json),
        (thrown: unknown) => {
          assert.ok(thrown instanceof SignerError);
          assert.equal(thrown.code, 'INVALID_POLICY');
          assert.ok(thrown.message.startsWith(`${error}: `), thrown.message);
          return true;
        },
      );
    });
  }

  it('says what was expected', () => {
    assert.throws(() => parsePolicy({ allowedOrigins: [], routes: { staticmap: { url: 'https://x.test/a', scheme: 'google', key: 'k', params: { zoom: { integer: [21, 0] } } } } }), {
      message: 'routes.staticmap.params.zoom.integer: the minimum 21 exceeds the maximum 0',
    });
    assert.throws(() => parsePolicy({ allowedOrigins: 'https://app.example.com', routes: {} }), { message: 'allowedOrigins: expected an array of strings, got string "https://app.example.com"' });
  });

  it('anchors patterns, fills in defaults and keeps the order of fixed values', () => {
    const policy = parsePolicy({ ...POLICY_JSON, cacheControl: undefined, routes: { ...POLICY_JSON.routes, staticmap: { ...POLICY_JSON.routes.staticmap, fixed: { scale: '2', style: ['a', 'b'] } } } });
    const staticmap = policy.routes.get('staticmap')!;
    const size = staticmap.params.get('size')!.value;
    assert.equal(size.kind === 'pattern' && size.regex.test('600x300'), true);
    assert.equal(size.kind === 'pattern' && size.regex.test('600x300&key=x'), false, 'a pattern matches the whole value');
    assert.deepEqual(staticmap.fixed, [['scale', '2'], ['style', 'a'], ['style', 'b']]);
    assert.equal(staticmap.secretEnv, 'MAPSIGN_SECRET');
    assert.equal(staticmap.space, 'percent');
    assert.equal(staticmap.cacheControl, DEFAULT_CACHE_CONTROL);
    assert.equal(policy.routes.get('tiles')!.cacheControl, 'public, max-age=86400');
    assert.equal(staticmap.params.get('markers')!.maxCount, 3);
    assert.equal(policy.allowNoOrigin, false);
  });

  it('anchors a pattern with an alternation as a whole', () => {
    const policy = parsePolicy({ allowedOrigins: [], routes: { r: { url: 'https://x.test/a', scheme: 'google', key: 'k', params: { t: { pattern: 'a|b' } } } } });
    const rule = policy.routes.get('r')!.params.get('t')!.value;
    assert.ok(rule.kind === 'pattern');
    assert.deepEqual(['a', 'b', 'ab', 'a&x', 'x|b'].map((value) => rule.regex.test(value)), [true, true, false, false, false]);
  });
});
