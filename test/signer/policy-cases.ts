/**
 * Good and bad policies, each with what the runtime validator says (the JSON path its error
 * names, or valid) and what the shipped JSON Schema says: `policy.test.ts` checks the first,
 * `schema.test.ts` that the schema agrees wherever a schema can judge, and that the cases only
 * the runtime can judge (a regular expression that does not compile, min > max, …) are exactly
 * the ones listed as such. Not a test file itself.
 */
import { POLICY_JSON } from './helpers.js';

/** One case: `error` is the path the runtime names (undefined: valid); `schemaValid` what JSON Schema says. */
export interface PolicyCase {
  readonly name: string;
  readonly json: unknown;
  readonly error: string | undefined;
  readonly schemaValid: boolean;
}

const route = { url: 'https://maps.googleapis.com/maps/api/staticmap', scheme: 'google', key: 'AIzaSyTEST', params: { zoom: { integer: [0, 21] } } };
const withRoute = (changes: Record<string, unknown>): unknown => ({ allowedOrigins: ['https://app.example.com'], routes: { staticmap: { ...route, ...changes } } });
const withParam = (rule: unknown): unknown => withRoute({ params: { zoom: rule } });

export const POLICY_CASES: readonly PolicyCase[] = [
  { name: 'the test policy', json: POLICY_JSON, error: undefined, schemaValid: true },
  { name: 'the issue example', json: { allowedOrigins: ['https://app.example.com'], routes: { staticmap: { url: 'https://maps.googleapis.com/maps/api/staticmap', scheme: 'google', key: 'AIza…', params: { center: { pattern: '^-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?$' }, zoom: { integer: [0, 21] }, size: { pattern: '^\\d{1,3}x\\d{1,3}$' }, maptype: { enum: ['roadmap', 'satellite'] } }, required: ['center', 'size'] } } }, error: undefined, schemaValid: true },
  { name: 'a client ID route, plus spaces, no params', json: withRoute({ key: undefined, client: 'gme-acme', space: 'plus', params: undefined }), error: undefined, schemaValid: true },
  { name: 'not an object', json: [], error: '(policy)', schemaValid: false },
  { name: 'no routes', json: { allowedOrigins: [], routes: {} }, error: 'routes', schemaValid: false },
  { name: 'a typo in a top-level key', json: { allowedOrigin: [], routes: {} }, error: '(policy).allowedOrigin', schemaValid: false },
  { name: 'an origin with a path', json: { allowedOrigins: ['https://app.example.com/'], routes: { staticmap: route } }, error: 'allowedOrigins[0]', schemaValid: false },
  { name: 'an origin in capitals (browsers send lower case)', json: { allowedOrigins: ['https://App.example.com'], routes: { staticmap: route } }, error: 'allowedOrigins[0]', schemaValid: true },
  { name: 'allowNoOrigin not a boolean', json: { allowedOrigins: [], allowNoOrigin: 'yes', routes: { staticmap: route } }, error: 'allowNoOrigin', schemaValid: false },
  { name: 'a route name with a slash', json: { allowedOrigins: [], routes: { 'a/b': route } }, error: 'routes.a/b', schemaValid: false },
  { name: 'params: null', json: withRoute({ params: null }), error: 'routes.staticmap.params', schemaValid: false },
  { name: 'limits: null', json: withRoute({ limits: null }), error: 'routes.staticmap.limits', schemaValid: false },
  { name: 'routes as an array', json: { allowedOrigins: [], routes: [route] }, error: 'routes', schemaValid: false },
  { name: 'a typo: requred', json: withRoute({ requred: ['zoom'] }), error: 'routes.staticmap.requred', schemaValid: false },
  { name: 'a URL with a query', json: withRoute({ url: 'https://maps.googleapis.com/maps/api/staticmap?scale=2' }), error: 'routes.staticmap.url', schemaValid: false },
  { name: 'an unknown scheme', json: withRoute({ scheme: 'bing' }), error: 'routes.staticmap.scheme', schemaValid: false },
  { name: 'google without key or client', json: withRoute({ key: undefined }), error: 'routes.staticmap', schemaValid: false },
  { name: 'google with key and client', json: withRoute({ client: 'gme-acme' }), error: 'routes.staticmap.client', schemaValid: false },
  { name: 'maptiler with a key', json: withRoute({ scheme: 'maptiler' }), error: 'routes.staticmap.key', schemaValid: false },
  { name: 'a bad secretEnv', json: withRoute({ secretEnv: 'MY-SECRET' }), error: 'routes.staticmap.secretEnv', schemaValid: false },
  { name: 'a bad space', json: withRoute({ space: 'tab' }), error: 'routes.staticmap.space', schemaValid: false },
  { name: 'a rule with two kinds', json: withParam({ integer: [0, 21], enum: ['1'] }), error: 'routes.staticmap.params.zoom', schemaValid: false },
  { name: 'a rule with no kind', json: withParam({ repeat: 2 }), error: 'routes.staticmap.params.zoom', schemaValid: false },
  { name: 'an unknown rule key', json: withParam({ integer: [0, 21], max: 3 }), error: 'routes.staticmap.params.zoom.max', schemaValid: false },
  { name: 'an integer range of one number', json: withParam({ integer: [0] }), error: 'routes.staticmap.params.zoom.integer', schemaValid: false },
  { name: 'an integer range of fractions', json: withParam({ integer: [0, 2.5] }), error: 'routes.staticmap.params.zoom.integer', schemaValid: false },
  { name: 'min above max', json: withParam({ integer: [21, 0] }), error: 'routes.staticmap.params.zoom.integer', schemaValid: true },
  { name: 'a pattern that does not compile', json: withParam({ pattern: '(' }), error: 'routes.staticmap.params.zoom.pattern', schemaValid: true },
  { name: 'an empty enum', json: withParam({ enum: [] }), error: 'routes.staticmap.params.zoom.enum', schemaValid: false },
  { name: 'an enum listing a value twice', json: withParam({ enum: ['a', 'a'] }), error: 'routes.staticmap.params.zoom.enum[1]', schemaValid: false },
  { name: 'repeat 0', json: withParam({ integer: [0, 21], repeat: 0 }), error: 'routes.staticmap.params.zoom.repeat', schemaValid: false },
  { name: 'a caller-settable signature', json: withRoute({ params: { signature: { pattern: '.*' } } }), error: 'routes.staticmap.params.signature', schemaValid: false },
  { name: 'a fixed key', json: withRoute({ fixed: { key: 'other' } }), error: 'routes.staticmap.fixed.key', schemaValid: false },
  { name: 'a name both fixed and settable', json: withRoute({ fixed: { zoom: '3' } }), error: 'routes.staticmap.fixed.zoom', schemaValid: true },
  { name: 'an empty fixed value', json: withRoute({ fixed: { scale: '' } }), error: 'routes.staticmap.fixed.scale', schemaValid: false },
  { name: 'allowNoOrigin: null', json: { allowedOrigins: [], allowNoOrigin: null, routes: { staticmap: route } }, error: 'allowNoOrigin', schemaValid: false },
  { name: 'a fixed number, not text', json: withRoute({ fixed: { scale: 2 } }), error: 'routes.staticmap.fixed.scale', schemaValid: false },
  { name: 'required but not declared', json: withRoute({ required: ['center'] }), error: 'routes.staticmap.required[0]', schemaValid: true },
  { name: 'a limit of 0', json: withRoute({ limits: { dailyBudget: 0 } }), error: 'routes.staticmap.limits.dailyBudget', schemaValid: false },
  { name: 'an unknown limit', json: withRoute({ limits: { perHour: 5 } }), error: 'routes.staticmap.limits.perHour', schemaValid: false },
  { name: 'a lifetime on an own server', json: withRoute({ url: 'https://tiles.example.com/staticmap', lifetime: '10m' }), error: undefined, schemaValid: true },
  { name: 'a lifetime on Google’s host, which ignores expires=', json: withRoute({ lifetime: '10m' }), error: 'routes.staticmap.lifetime', schemaValid: false },
  { name: 'a lifetime on a MapTiler host', json: withRoute({ url: 'https://api.maptiler.com/maps/streets/256/tile.png', scheme: 'maptiler', key: undefined, lifetime: '1h' }), error: 'routes.staticmap.lifetime', schemaValid: false },
  { name: 'a lifetime without a unit', json: withRoute({ url: 'https://tiles.example.com/staticmap', lifetime: '600' }), error: 'routes.staticmap.lifetime', schemaValid: false },
  { name: 'a lifetime as a number', json: withRoute({ url: 'https://tiles.example.com/staticmap', lifetime: 600 }), error: 'routes.staticmap.lifetime', schemaValid: false },
  { name: 'a lifetime too short to step', json: withRoute({ url: 'https://tiles.example.com/staticmap', lifetime: '5s' }), error: 'routes.staticmap.lifetime', schemaValid: true },
  { name: 'a lifetime over 30 days', json: withRoute({ url: 'https://tiles.example.com/staticmap', lifetime: '31d' }), error: 'routes.staticmap.lifetime', schemaValid: true },
  { name: 'a caller-settable expires', json: withRoute({ url: 'https://tiles.example.com/staticmap', params: { expires: { integer: [0, 9] } } }), error: 'routes.staticmap.params.expires', schemaValid: false },
  { name: 'a fixed expires', json: withRoute({ fixed: { expires: '1796126400' } }), error: 'routes.staticmap.fixed.expires', schemaValid: false },
  { name: 'a Cache-Control with a newline', json: withRoute({ cacheControl: 'max-age=1\r\nSet-Cookie: a=b' }), error: 'routes.staticmap.cacheControl', schemaValid: false },
];
