/**
 * A request's parameters against a route: each refusal reason with the parameter it names,
 * values taken literally (what the caller typed is what the provider receives, encoded by the
 * builder), and one canonical order whatever order the caller used.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../src/signer/index.js';
import { checkParams, unsignedUrl } from '../../src/signer/route-request.js';
import { POLICY_JSON } from './helpers.js';

const route = parsePolicy(POLICY_JSON).routes.get('staticmap')!;
const query = (text: string): URLSearchParams => new URLSearchParams(text);

describe('checkParams', () => {
  const refusals: ReadonlyArray<readonly [string, string, string, string]> = [
    ['center=1,2&size=1x1&style=x', 'UNKNOWN_PARAMETER', 'style', 'Route staticmap takes no parameter style; it takes center, zoom, size, maptype, markers, label.'],
    ['center=1,2&size=1x1&zoom=22', 'PARAMETER_NOT_ALLOWED', 'zoom', 'zoom must be a whole number from 0 to 21.'],
    ['center=1,2&size=1x1&zoom=1.5', 'PARAMETER_NOT_ALLOWED', 'zoom', 'zoom must be a whole number from 0 to 21.'],
    ['center=1,2&size=1x1&zoom=', 'PARAMETER_NOT_ALLOWED', 'zoom', 'zoom must be a whole number from 0 to 21.'],
    ['center=1,2&size=1x1&maptype=Roadmap', 'PARAMETER_NOT_ALLOWED', 'maptype', 'maptype must be one of roadmap, satellite.'],
    ['center=1,2%26key%3Dother&size=1x1', 'PARAMETER_NOT_ALLOWED', 'center', 'center must match the pattern -?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?.'],
    ['center=1,2\n&size=1x1', 'PARAMETER_NOT_ALLOWED', 'center', 'center must match the pattern -?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?.'],
    ['size=1x1', 'MISSING_PARAMETER', 'center', 'Route staticmap needs center.'],
    ['center=1,2&size=1x1&scale=4', 'FIXED_PARAMETER', 'scale', 'scale is fixed by the policy of route staticmap; leave it out.'],
    ['center=1,2&center=3,4&size=1x1', 'TOO_MANY_VALUES', 'center', 'center may be given at most 1 time on route staticmap.'],
    ['center=1,2&size=1x1' + '&markers=a:b|1,2'.repeat(4), 'TOO_MANY_VALUES', 'markers', 'markers may be given at most 3 times on route staticmap.'],
    ['center=1,2&size=1x1&signature=abc', 'UNKNOWN_PARAMETER', 'signature', 'Route staticmap takes no parameter signature; it takes center, zoom, size, maptype, markers, label.'],
    [`center=1,2&size=1x1&label=${'x'.repeat(2049)}`, 'URL_TOO_LONG', 'label', 'label is longer than a signed URL may be (2048 characters).'],
    ['center=1,2&size=1x1&key=AIzaOther', 'UNKNOWN_PARAMETER', 'key', 'Route staticmap takes no parameter key; it takes center, zoom, size, maptype, markers, label.'],
  ];
  for (const [text, reason, parameter, message] of refusals) {
    it(`refuses ${JSON.stringify(text).slice(0, 60)}: ${reason}`, () => {
      assert.deepEqual(checkParams(route, query(text)), { ok: false, refusal: { reason, parameter, message } });
    });
  }

  it('lists parameters in the policy order, repeated values in the caller order, fixed ones last', () => {
    const a = checkParams(route, query('markers=a:b|1,2&size=1x1&zoom=3&markers=c:d|3,4&center=1,2'));
    const b = checkParams(route, query('center=1,2&markers=a:b|1,2&zoom=3&size=1x1&markers=c:d|3,4'));
    assert.deepEqual(a, b);
    assert.deepEqual(a.ok && a.params, [['center', '1,2'], ['zoom', '3'], ['size', '1x1'], ['markers', 'a:b|1,2'], ['markers', 'c:d|3,4'], ['scale', '2']]);
  });

  it('takes values literally and lets the builder encode them', () => {
    const checked = checkParams(route, query('center=1,2&size=1x1&label=5th%26Main St.+%E4%B8%8A%E6%B5%B7&maptype=roadmap'));
    assert.ok(checked.ok);
    const url = unsignedUrl(route, checked.params);
    assert.equal(url, 'https://maps.googleapis.com/maps/api/staticmap?center=1%2C2&size=1x1&maptype=roadmap&label=5th%26Main%20St.%20%E4%B8%8A%E6%B5%B7&scale=2');
    assert.equal(new URL(url).searchParams.get('label'), '5th&Main St. 上海');
  });

  it('the builder refuses a URL over 2048 characters', () => {
    const checked = checkParams(route, query(`center=1,2&size=1x1&label=${'x'.repeat(2000)}`));
    assert.ok(checked.ok);
    assert.throws(() => unsignedUrl(route, checked.params), { code: 'URL_TOO_LONG' });
  });
});
