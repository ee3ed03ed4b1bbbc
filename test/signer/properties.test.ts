/**
 * Property test: no request the policy forbids ever yields a signature. Random requests — known,
 * fixed, reserved and unknown names; values shaped to pass and arbitrary text with `&`, `=`,
 * `%`, `#` and non-ASCII; repeated parameters; allowed, foreign and missing origins; other
 * methods — go through the `fetch` handler. Whenever it answers with a signed URL, that URL is
 * checked as the provider would receive it, against a second reading of the policy JSON written
 * here (not the service's): every parameter declared, each value allowed by its rule, counts
 * within `repeat`, required ones present, fixed ones exactly as the policy says, the signature
 * valid — and the request itself came from an allowed origin with nothing the policy forbids.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { APP_ORIGIN, POLICY_JSON, testService, verifiedBy } from './helpers.js';

type RuleJson = { readonly pattern?: string; readonly integer?: readonly [number, number]; readonly enum?: readonly string[]; readonly repeat?: number };
const ROUTE = POLICY_JSON.routes.staticmap;
const RULES = ROUTE.params as unknown as Readonly<Record<string, RuleJson>>;

/** The second reading of a rule: straight from the JSON. */
function allowedValue(rule: RuleJson, value: string): boolean {
  if (rule.pattern !== undefined) return new RegExp(`^(?:${rule.pattern})$`, 'u').test(value);
  if (rule.integer !== undefined) return /^-?\d+$/.test(value) && Number(value) >= rule.integer[0] && Number(value) <= rule.integer[1];
  return rule.enum!.includes(value);
}

/** True when the policy allows exactly these decoded pairs. */
function allowedQuery(pairs: readonly (readonly [string, string])[]): boolean {
  const counts = new Map<string, number>();
  for (const [name, value] of pairs) {
    const rule = RULES[name];
    if (rule === undefined || !Object.hasOwn(RULES, name) || !allowedValue(rule, value)) return false;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (counts.get(name)! > (rule.repeat ?? 1)) return false;
  }
  return ROUTE.required.every((name) => counts.has(name));
}

/** Per name, values just inside its rule and just outside it. */
const EDGES: Readonly<Record<string, { readonly inside: readonly string[]; readonly outside: readonly string[] }>> = {
  center: { inside: ['48.85,2.35', '-1.5,120', '0,0'], outside: ['123,4', '1,2,3', '1,2&key=AIzaOther', '1,2#x', ' 1,2', '１,２'] },
  size: { inside: ['600x300', '1x1'], outside: ['1000x1', '600X300', '600x300\n', '600x300 '] },
  zoom: { inside: ['0', '21', '12', '007'], outside: ['22', '-1', '1.5', '', '1e1', '12\u0000', '２'] },
  maptype: { inside: ['roadmap', 'satellite'], outside: ['hybrid', 'Roadmap', 'roadmap ', ''] },
  markers: { inside: ['color:red|1,2', 'a:b|-1.5,120'], outside: ['color:red', 'A:b|1,2', 'a:b|1,2|3,4'] },
  label: { inside: ['Paris', '5th&Main St.', '%41', 'a=b', '上海+中國', '#1 ★'], outside: ['', 'new\nline', 'tab\there'] },
};
const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\ud800-\udfff]/g, ''));
const valueFor = (n: string): fc.Arbitrary<string> => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...EDGES[n]!.inside) }, { weight: 2, arbitrary: fc.constantFrom(...EDGES[n]!.outside) }, { weight: 1, arbitrary: text });
/** Each declared name absent, once or repeated (required ones mostly present). */
const slot = (n: string): fc.Arbitrary<(readonly [string, string])[]> =>
  fc
    .oneof({ weight: ROUTE.required.includes(n as never) ? 1 : 3, arbitrary: fc.constant<string[]>([]) }, { weight: 6, arbitrary: valueFor(n).map((v) => [v]) }, { weight: 1, arbitrary: fc.array(valueFor(n), { minLength: 2, maxLength: 4 }) })
    .map((values) => values.map((v) => [n, v] as const));
const undeclared = fc.tuple(fc.constantFrom('scale', 'key', 'client', 'signature', 'style', 'Center', 'zoom ', '__proto__', 'constructor', ''), fc.oneof(fc.constantFrom('2', 'AIzaOther', 'x'), text));
/** The declared slots and sometimes undeclared names, in an order drawn from a seed (so shrinking stays reproducible). */
const pairs = fc
  .tuple(fc.tuple(...Object.keys(EDGES).map(slot)), fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(undeclared, { minLength: 1, maxLength: 2 }) }), fc.integer())
  .map(([slots, extra, seed]) =>
    [...slots.flat(), ...extra]
      .map((entry, index) => ({ entry, key: Math.imul(seed ^ index, 2654435761) >>> 0 }))
      .sort((x, y) => x.key - y.key)
      .map(({ entry }) => entry),
  );
const origin = fc.constantFrom<Record<string, string>>({ origin: APP_ORIGIN }, { origin: APP_ORIGIN }, { referer: `${APP_ORIGIN}/page` }, { origin: 'https://evil.example' }, { referer: 'https://evil.example/' }, { origin: 'null' }, {});
const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT');
const accept = fc.constantFrom('*/*', 'application/json');

describe('properties of the signing service', () => {
  it('no request the policy forbids ever yields a signature', async () => {
    const { service } = testService();
    let signed = 0;
    await fc.assert(
      fc.asyncProperty(pairs, origin, method, accept, async (query, headers, verb, type) => {
        const search = query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
        const response = await service(new Request(`http://signer.test/staticmap?${search}`, { method: verb, headers: { ...headers, accept: type } }), '192.0.2.1');
        const location = response.headers.get('location') ?? (response.status === 200 && verb === 'GET' ? ((await response.json()) as { url: string }).url : undefined);
        const body = verb === 'HEAD' || response.status === 200 ? '' : await response.text();
        assert.ok(!body.includes('signature='), 'a refusal carries no signature');
        if (location === undefined) {
          assert.ok(response.status >= 400 || response.status === 200, `status ${response.status}`);
          return;
        }
        signed++;
        // The request was one the policy allows …
        assert.ok(verb === 'GET' || verb === 'HEAD', verb);
        assert.ok(headers['origin'] === APP_ORIGIN || (headers['origin'] === undefined && headers['referer'] === `${APP_ORIGIN}/page`), JSON.stringify(headers));
        assert.ok(allowedQuery(query), search);
        // … and the provider receives only what the policy allows, signed.
        const url = new URL(location);
        assert.equal(`${url.origin}${url.pathname}`, ROUTE.url);
        const received = [...url.searchParams];
        assert.deepEqual(received.slice(-3), [['scale', '2'], ['key', 'AIzaSyTEST'], ['signature', url.searchParams.get('signature')!]]);
        assert.ok(allowedQuery(received.slice(0, -3)), location);
        assert.deepEqual([...received.slice(0, -3)].sort(), [...query].sort(), 'exactly the values the caller gave');
        assert.equal(verifiedBy(location).valid, true);
      }),
      { numRuns: 600 },
    );
    assert.ok(signed > 5, `some requests were allowed (${signed})`);
  });

  it('a request the policy allows, with any one thing changed to what it forbids, is refused', async () => {
    const { service } = testService();
    type Query = (readonly [string, string])[];
    const mutations: { readonly name: string; readonly change: (query: Query) => { query: Query; headers?: Record<string, string>; method?: string } }[] = [
      ...Object.entries(EDGES).flatMap(([n, { outside }]) => outside.map((bad) => ({ name: `${n}=${JSON.stringify(bad)}`, change: (q: Query) => ({ query: [...q.filter(([m]) => m !== n), [n, bad] as const] }) }))),
      ...['scale', 'key', 'client', 'signature', 'style', 'Center', '__proto__', ''].map((extra) => ({ name: `+${extra}`, change: (q: Query) => ({ query: [...q, [extra, '2'] as const] }) })),
      ...['center', 'size', 'zoom', 'maptype', 'label'].map((n) => ({ name: `${n} twice`, change: (q: Query) => ({ query: [...q.filter(([m]) => m !== n), [n, EDGES[n]!.inside[0]!] as const, [n, EDGES[n]!.inside[0]!] as const] }) })),
      { name: 'markers 4 times', change: (q: Query) => ({ query: [...q.filter(([m]) => m !== 'markers'), ...Array.from({ length: 4 }, () => ['markers', 'a:b|1,2'] as const)] }) },
      ...ROUTE.required.map((n) => ({ name: `no ${n}`, change: (q: Query) => ({ query: q.filter(([m]) => m !== n) }) })),
      ...[{ origin: 'https://evil.example' }, { origin: 'null' }, { referer: 'https://evil.example/' }, {}].map((headers) => ({ name: JSON.stringify(headers), change: (q: Query) => ({ query: q, headers }) })),
      ...['POST', 'PUT', 'DELETE'].map((method) => ({ name: method, change: (q: Query) => ({ query: q, method }) })),
    ];
    const allowed = fc.tuple(...Object.entries(EDGES).map(([n, { inside }]) => fc.tuple(fc.constant(n), fc.constantFrom(...inside)))).map((entries) => entries as Query);
    await fc.assert(
      fc.asyncProperty(allowed, async (base) => {
        const request = (query: Query, headers: Record<string, string> = { origin: APP_ORIGIN }, method = 'GET'): Promise<Response> =>
          service(new Request(`http://signer.test/staticmap?${query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')}`, { method, headers }), '192.0.2.1');
        assert.equal((await request(base)).status, 302, 'the base is allowed');
        for (const { name, change } of mutations) {
          const { query, headers, method } = change(base);
          const response = await request(query, headers, method);
          assert.ok(response.status >= 400 && response.headers.get('location') === null, `${name}: ${response.status}`);
          assert.ok(!(await response.text()).includes('signature='), name);
        }
      }),
      { numRuns: 60 },
    );
  });
});
