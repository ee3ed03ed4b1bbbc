/**
 * The signing policy: which origins may ask for signatures, and for each route the provider
 * endpoint, its credential (by the name of the variable holding the secret, never the secret),
 * and every parameter a caller may set and how. Parsed once at start; anything the JSON Schema
 * (`schema/sign-policy.schema.json`) allows but that cannot work — a pattern that does not
 * compile, a range whose minimum exceeds its maximum, a required name no rule declares — is
 * refused here too, each error naming its JSON path (`routes.staticmap.params.zoom.integer: …`).
 *
 * Unknown keys are errors, not ignored: a typo such as `"requred"` must not silently drop a
 * rule. A route's `lifetime` (a signed `expires=`, `lifetime.ts`) is refused on the hosts of
 * providers that ignore it, and `expires` is the signer's to set, never a parameter's.
 */
import type { IdentityParam, SchemeName } from '../core/credential.js';
import type { SpaceEncoding } from '../core/encoding/percent.js';
import { SCHEME_NAMES } from '../core/schemes/index.js';
import { SignerError } from './errors.js';
import { EXPIRY_BLIND_HOSTS, ignoresExpiry, MAX_LIFETIME_SECONDS, MIN_LIFETIME_SECONDS, parseLifetime } from './lifetime.js';

/** How one caller-settable parameter is checked; exactly one of pattern, integer, enum. */
export type ValueRule =
  | { readonly kind: 'pattern'; readonly source: string; readonly regex: RegExp }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

/** A parameter the caller may set. */
export interface ParamRule {
  readonly value: ValueRule;
  /** Most values the caller may give (repeated `name=`); 1 unless the policy says `repeat`. */
  readonly maxCount: number;
}

/** Per-route limits on callers; absent fields are unlimited. */
export interface RouteLimits {
  /** Requests per minute from one client address. */
  readonly perClientPerMinute?: number | undefined;
  /** Requests per minute carrying one origin. */
  readonly perOriginPerMinute?: number | undefined;
  /** Signatures per UTC day for the whole route. */
  readonly dailyBudget?: number | undefined;
}

/** One route, `GET /NAME?…`. */
export interface SignRoute {
  readonly name: string;
  /** The provider endpoint, without query. */
  readonly url: string;
  readonly scheme: SchemeName;
  /** The identity the URL carries (`key=`/`client=`); none for MapTiler, whose token names it. */
  readonly identity?: { readonly param: IdentityParam; readonly id: string } | undefined;
  /** The variable (environment, or Worker binding) holding the secret; default `MAPSIGN_SECRET`. */
  readonly secretEnv: string;
  readonly space: SpaceEncoding;
  /** Caller-settable parameters, in the order the signed URL lists them. */
  readonly params: ReadonlyMap<string, ParamRule>;
  /** Parameters the policy sets and the caller cannot, appended after the caller's. */
  readonly fixed: readonly (readonly [string, string])[];
  readonly required: readonly string[];
  readonly limits: RouteLimits;
  readonly cacheControl: string;
  /** How long a signed URL lives (`expires=`), in seconds; absent: it never expires. */
  readonly lifetimeSeconds?: number | undefined;
}

/** A parsed, validated policy. */
export interface SignPolicy {
  readonly allowedOrigins: ReadonlySet<string>;
  /** Sign for requests that carry neither `Origin` nor `Referer` (servers, curl); default false. */
  readonly allowNoOrigin: boolean;
  readonly routes: ReadonlyMap<string, SignRoute>;
}

/**
 * `Cache-Control` of a signed answer when the policy names none.
 *
 * @example parsePolicy({ allowedOrigins: [], routes: { r: route } }).routes.get('r')?.cacheControl === DEFAULT_CACHE_CONTROL
 */
export const DEFAULT_CACHE_CONTROL = 'public, max-age=300';
/** Parameter names no caller or policy may set: the signature, identity and expiry are the signer's. */
const RESERVED = new Set(['signature', 'client', 'key', 'expires']);
const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEADER_TEXT = /^[\x20-\x7e]{1,256}$/;

type Json = Readonly<Record<string, unknown>>;

function fail(path: string, message: string): never {
  throw new SignerError('INVALID_POLICY', `${path}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}

/** An object of names chosen by the policy's author (routes, params, fixed). */
function record(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `expected an object, got ${describe(value)}`);
  return value as Json;
}

/** An object of known keys: any other key is a mistake, reported rather than ignored. */
function object(value: unknown, path: string, keys: readonly string[]): Json {
  const json = record(value, path);
  for (const key of Object.keys(json)) if (!keys.includes(key)) fail(`${path}.${key}`, `unknown key; expected one of ${keys.join(', ')}`);
  return json;
}

function string(value: unknown, path: string, shape?: RegExp, what?: string): string {
  if (typeof value !== 'string' || value === '') fail(path, `expected a non-empty string, got ${describe(value)}`);
  if (shape !== undefined && !shape.test(value)) fail(path, `expected ${what}, got ${JSON.stringify(value).slice(0, 80)}`);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(path, `expected a whole number of at least 1, got ${describe(value)}`);
  return value;
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) fail(path, `expected an array of strings, got ${describe(value)}`);
  const seen = new Set<string>();
  return value.map((item, index) => {
    const text = string(item, `${path}[${index}]`);
    if (seen.has(text)) fail(`${path}[${index}]`, `${JSON.stringify(text)} is listed twice`);
    seen.add(text);
    return text;
  });
}

function origin(value: unknown, path: string): string {
  const text = string(value, path);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== text) {
    fail(path, `expected an origin as browsers send it (scheme://host[:port], lower case, no path or trailing slash), got ${JSON.stringify(text)}`);
  }
  return text;
}

function valueRule(json: Json, path: string): ValueRule {
  const given = (['pattern', 'integer', 'enum'] as const).filter((kind) => json[kind] !== undefined);
  if (given.length !== 1) fail(path, `give exactly one of pattern, integer or enum${given.length > 1 ? `, not ${given.join(' and ')}` : ''}`);
  if (json['pattern'] !== undefined) {
    const source = string(json['pattern'], `${path}.pattern`);
    try {
      // Anchored here, so a pattern always matches the whole value whatever its own anchors.
      return { kind: 'pattern', source, regex: new RegExp(`^(?:${source})$`, 'u') };
    } catch (error) {
      fail(`${path}.pattern`, `not a valid regular expression (${(error as Error).message})`);
    }
  }
  if (json['integer'] !== undefined) {
    const range = json['integer'];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isSafeInteger(n))) fail(`${path}.integer`, `expected [min, max], two whole numbers, got ${describe(range)}`);
    const [min, max] = range as [number, number];
    if (min > max) fail(`${path}.integer`, `the minimum ${min} exceeds the maximum ${max}`);
    return { kind: 'integer', min, max };
  }
  const values = strings(json['enum'], `${path}.enum`);
  if (values.length === 0) fail(`${path}.enum`, 'expected at least one value');
  return { kind: 'enum', values };
}

function paramName(name: string, path: string): void {
  if (name === '') fail(path, 'a parameter needs a non-empty name');
  if (RESERVED.has(name)) fail(path, `${JSON.stringify(name)} is set by the signer, never by a policy or caller`);
}

function route(name: string, value: unknown, path: string, cacheControl: string): SignRoute {
  if (!ROUTE_NAME.test(name)) fail(path, 'a route name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  const json = object(value, path, ['url', 'scheme', 'key', 'client', 'secretEnv', 'space', 'params', 'fixed', 'required', 'limits', 'cacheControl', 'lifetime']);
  const url = string(json['url'], `${path}.url`, /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*)?$/, 'an http(s) URL without query or fragment (fixed parameters go in "fixed")');
  const scheme = string(json['scheme'], `${path}.scheme`) as SchemeName;
  if (!SCHEME_NAMES.includes(scheme)) fail(`${path}.scheme`, `expected one of ${SCHEME_NAMES.join(', ')}, got ${JSON.stringify(scheme)}`);
  const key = json['key'] === undefined ? undefined : string(json['key'], `${path}.key`);
  const client = json['client'] === undefined ? undefined : string(json['client'], `${path}.client`);
  let identity: SignRoute['identity'];
  if (scheme === 'maptiler') {
    if (key !== undefined || client !== undefined) fail(`${path}.${key !== undefined ? 'key' : 'client'}`, 'a MapTiler token names its key itself; remove it');
  } else {
    if (key !== undefined && client !== undefined) fail(`${path}.client`, 'give key or client, not both: Google rejects a URL that carries both');
    if (client !== undefined && scheme !== 'google') fail(`${path}.client`, 'client IDs are Google only; use key');
    if (key === undefined && client === undefined) fail(path, `a ${scheme} route needs "key"${scheme === 'google' ? ' (an API key) or "client" (a client ID)' : ''}`);
    identity = client !== undefined ? { param: 'client', id: client } : { param: 'key', id: key! };
  }
  const secretEnv = json['secretEnv'] === undefined ? 'MAPSIGN_SECRET' : string(json['secretEnv'], `${path}.secretEnv`, ENV_NAME, 'a variable name (letters, digits, "_")');
  const space = json['space'] === undefined ? 'percent' : (string(json['space'], `${path}.space`, /^(?:plus|percent)$/, '"plus" or "percent"') as SpaceEncoding);

  const paramsJson = json['params'] === undefined ? {} : record(json['params'], `${path}.params`);
  const params = new Map<string, ParamRule>();
  for (const [param, ruleJson] of Object.entries(paramsJson)) {
    const at = `${path}.params.${param}`;
    paramName(param, at);
    const rule = object(ruleJson, at, ['pattern', 'integer', 'enum', 'repeat']);
    params.set(param, { value: valueRule(rule, at), maxCount: rule['repeat'] === undefined ? 1 : count(rule['repeat'], `${at}.repeat`) });
  }
  const fixedJson = json['fixed'] === undefined ? {} : record(json['fixed'], `${path}.fixed`);
  const fixed: (readonly [string, string])[] = [];
  for (const [param, given] of Object.entries(fixedJson)) {
    const at = `${path}.fixed.${param}`;
    paramName(param, at);
    if (params.has(param)) fail(at, 'a parameter is either fixed or settable by the caller, not both');
    const values = typeof given === 'string' ? [string(given, at)] : strings(given, at);
    if (values.length === 0) fail(at, 'expected a string or a non-empty array of strings');
    for (const item of values) fixed.push([param, item]);
  }
  const required = json['required'] === undefined ? [] : strings(json['required'], `${path}.required`);
  required.forEach((param, index) => {
    if (!params.has(param)) fail(`${path}.required[${index}]`, `${JSON.stringify(param)} is not declared in params`);
  });
  const limitsJson = json['limits'] === undefined ? {} : object(json['limits'], `${path}.limits`, ['perClientPerMinute', 'perOriginPerMinute', 'dailyBudget']);
  const limit = (field: string): number | undefined => (limitsJson[field] === undefined ? undefined : count(limitsJson[field], `${path}.limits.${field}`));
  const limits: RouteLimits = { perClientPerMinute: limit('perClientPerMinute'), perOriginPerMinute: limit('perOriginPerMinute'), dailyBudget: limit('dailyBudget') };
  const ownCache = json['cacheControl'] === undefined ? cacheControl : string(json['cacheControl'], `${path}.cacheControl`, HEADER_TEXT, 'a header value (printable ASCII)');
  const lifetimeSeconds = json['lifetime'] === undefined ? undefined : lifetime(json['lifetime'], `${path}.lifetime`, url);
  return { name, url, scheme, identity, secretEnv, space, params, fixed, required, limits, cacheControl: ownCache, lifetimeSeconds };
}

function lifetime(value: unknown, path: string, url: string): number {
  const seconds = parseLifetime(string(value, path));
  if (seconds === undefined) fail(path, `expected a whole number and a unit (s, m, h or d), e.g. "10m", got ${JSON.stringify(value).slice(0, 80)}`);
  if (seconds < MIN_LIFETIME_SECONDS || seconds > MAX_LIFETIME_SECONDS) fail(path, `expected ${MIN_LIFETIME_SECONDS}s to ${MAX_LIFETIME_SECONDS / 86_400}d, got ${JSON.stringify(value)}`);
  const host = new URL(url).hostname;
  if (ignoresExpiry(host)) {
    fail(path, `${host} ignores expires= (as every host under ${EXPIRY_BLIND_HOSTS.join(' and ')} does), so a lifetime would not end the URL's life there; use it for your own servers behind a mapsign verifier (mapsign serve), or remove it`);
  }
  return seconds;
}

/**
 * Validates a policy (already parsed from JSON) and returns it in the form the service uses;
 * throws {@link SignerError} `INVALID_POLICY` naming the JSON path of the first problem.
 *
 * @example
 * const policy = parsePolicy(JSON.parse(await readFile('policy.json', 'utf8')))
 * policy.routes.get('staticmap')?.params.get('zoom') // { value: { kind: 'integer', min: 0, max: 21 }, maxCount: 1 }
 */
export function parsePolicy(json: unknown): SignPolicy {
  const top = object(json, '(policy)', ['$schema', 'allowedOrigins', 'allowNoOrigin', 'cacheControl', 'routes']);
  const allowedOrigins = new Set(strings(top['allowedOrigins'], 'allowedOrigins').map((entry, index) => origin(entry, `allowedOrigins[${index}]`)));
  const allowNoOrigin = top['allowNoOrigin'] === undefined ? false : top['allowNoOrigin'];
  if (typeof allowNoOrigin !== 'boolean') fail('allowNoOrigin', `expected true or false, got ${describe(allowNoOrigin)}`);
  const cacheControl = top['cacheControl'] === undefined ? DEFAULT_CACHE_CONTROL : string(top['cacheControl'], 'cacheControl', HEADER_TEXT, 'a header value (printable ASCII)');
  const routesJson = record(top['routes'], 'routes');
  const routes = new Map<string, SignRoute>();
  for (const [name, value] of Object.entries(routesJson)) routes.set(name, route(name, value, `routes.${name}`, cacheControl));
  if (routes.size === 0) fail('routes', 'expected at least one route');
  return { allowedOrigins, allowNoOrigin, routes };
}
