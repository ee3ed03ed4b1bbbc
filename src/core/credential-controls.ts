/**
 * What a credential may do, as a pure description: its restrictions (allowed path prefixes,
 * referrers and client networks, whether signed URLs must expire and how far ahead) and its
 * limits (a rate limit, a daily quota). The store keeps it as JSON, the CLI and the admin API
 * read it from text, the gateway compiles it once per credential and enforces it.
 *
 * Every field is optional — absent means "not restricted" — and every value is checked and
 * written in one canonical form here, so the store, `list`/`show` and the admin API show the
 * same text the gateway matches. A list is never empty: an empty allow-list would read as
 * "nothing allowed" to some and "no restriction" to others, so clearing is explicit
 * ({@link ControlChanges} with `null`).
 */
import { MapsignError } from './errors.js';
import { MAX_LIFETIME_MS } from './expiry.js';
import { parseIpNetwork } from './ip-network.js';
import { parsePathPrefix } from './path-prefix.js';
import { formatReferrerPattern, parseReferrerPattern } from './referrer-pattern.js';

/** The period of a rate limit. */
export type RatePeriod = 'second' | 'minute';

/** At most `count` requests per `per`. */
export interface RateLimit {
  readonly count: number;
  readonly per: RatePeriod;
}

/** A credential's restrictions and limits; `{}` for none. */
export interface CredentialControls {
  /** Path prefixes a signed URL may name (`/tiles/`). */
  readonly allowPaths?: readonly string[] | undefined;
  /** Origins or `*.domain` patterns the request's `Origin`/`Referer` must match. */
  readonly allowReferrers?: readonly string[] | undefined;
  /** CIDR blocks the client address must be in (`203.0.113.0/24`, `2001:db8::/32`). */
  readonly allowIps?: readonly string[] | undefined;
  /** Signed URLs must carry `expires=`. */
  readonly requireExpiry?: boolean | undefined;
  /** How far ahead `expires=` may be, in seconds (implies `requireExpiry`). */
  readonly maxLifetimeSeconds?: number | undefined;
  readonly rateLimit?: RateLimit | undefined;
  /** Forwarded requests per UTC day, across every gateway sharing the store. */
  readonly dailyQuota?: number | undefined;
}

/** Changes to a credential's controls: a new value, `null` to clear, absent to keep. */
export type ControlChanges = { readonly [K in keyof CredentialControls]?: Exclude<CredentialControls[K], undefined> | null };

/** The field names, in the order they are shown. */
const CONTROL_FIELDS = ['allowPaths', 'allowReferrers', 'allowIps', 'requireExpiry', 'maxLifetimeSeconds', 'rateLimit', 'dailyQuota'] as const satisfies readonly (keyof CredentialControls)[];

/** The most entries a list (`allowPaths`, `allowReferrers`, `allowIps`) may hold. */
export const MAX_CONTROL_ENTRIES = 100;
/** The largest `rateLimit.count`. */
export const MAX_RATE_COUNT = 1_000_000;
/** The largest `dailyQuota`. */
export const MAX_DAILY_QUOTA = 1_000_000_000_000;
/** The largest `maxLifetimeSeconds`: {@link MAX_LIFETIME_MS} in seconds. */
export const MAX_LIFETIME_SECONDS = MAX_LIFETIME_MS / 1000;
const PERIOD_UNIT: Readonly<Record<RatePeriod, string>> = { second: 's', minute: 'min' };

function invalid(message: string): MapsignError {
  return new MapsignError('INVALID_ARGUMENT', message);
}

function wholeNumber(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw invalid(`${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)?.slice(0, 30)}.`);
  return value;
}

function list(value: unknown, name: string, parse: (text: string) => string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CONTROL_ENTRIES) throw invalid(`${name} must be a list of 1 to ${MAX_CONTROL_ENTRIES} strings (clear it to lift the restriction).`);
  const out: string[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string') throw invalid(`${name} must hold strings only.`);
    const canonical = parse(entry.trim());
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/**
 * Parses `50/s` or `600/min`; throws `INVALID_ARGUMENT`.
 *
 * @example parseRateLimit('50/s') // { count: 50, per: 'second' }
 */
export function parseRateLimit(text: string): RateLimit {
  const match = /^(\d{1,7})\/(s|min)$/.exec(text.trim());
  const count = Number(match?.[1]);
  if (match === null || count < 1 || count > MAX_RATE_COUNT) throw invalid(`The rate limit ${JSON.stringify(text.slice(0, 30))} must be N/s or N/min with N from 1 to ${MAX_RATE_COUNT}, e.g. 50/s or 600/min.`);
  return { count, per: match[2] === 's' ? 'second' : 'minute' };
}

/**
 * The text form of a rate limit.
 *
 * @example formatRateLimit({ count: 50, per: 'second' }) // '50/s'
 */
export function formatRateLimit(limit: RateLimit): string {
  return `${limit.count}/${PERIOD_UNIT[limit.per]}`;
}

/**
 * Parses a daily quota typed as text (`100000`); throws `INVALID_ARGUMENT`.
 *
 * @example parseDailyQuota('100000') // 100000
 */
export function parseDailyQuota(text: string): number {
  const trimmed = text.trim();
  return wholeNumber(/^\d{1,13}$/.test(trimmed) ? Number(trimmed) : Number.NaN, 'The daily quota', MAX_DAILY_QUOTA);
}

const FIELD_PARSERS: { readonly [K in keyof CredentialControls]-?: (value: unknown) => Exclude<CredentialControls[K], undefined> } = {
  allowPaths: (value) => list(value, 'allowPaths', parsePathPrefix),
  allowReferrers: (value) => list(value, 'allowReferrers', (text) => formatReferrerPattern(parseReferrerPattern(text))),
  allowIps: (value) =>
    list(value, 'allowIps', (text) => {
      parseIpNetwork(text);
      return text.toLowerCase();
    }),
  requireExpiry: (value) => {
    if (value !== true) throw invalid('requireExpiry must be true (clear it to lift the requirement).');
    return true;
  },
  maxLifetimeSeconds: (value) => wholeNumber(value, 'maxLifetimeSeconds', MAX_LIFETIME_SECONDS),
  rateLimit: (value) => {
    const limit = value as Partial<RateLimit> | null;
    if (limit === null || typeof limit !== 'object' || (limit.per !== 'second' && limit.per !== 'minute') || Object.keys(limit).length !== 2) {
      throw invalid('rateLimit must be {"count": N, "per": "second" | "minute"}.');
    }
    return { count: wholeNumber(limit.count, 'rateLimit.count', MAX_RATE_COUNT), per: limit.per };
  },
  dailyQuota: (value) => wholeNumber(value, 'dailyQuota', MAX_DAILY_QUOTA),
};

function isField(name: string): name is keyof CredentialControls {
  return (CONTROL_FIELDS as readonly string[]).includes(name);
}

function fieldsOf(value: unknown, what: string): [keyof CredentialControls, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be a JSON object.`);
  const entries: [keyof CredentialControls, unknown][] = [];
  for (const [name, field] of Object.entries(value)) {
    if (!isField(name)) throw invalid(`${what} has an unknown field ${JSON.stringify(name.slice(0, 40))}; the fields are ${CONTROL_FIELDS.join(', ')}.`);
    entries.push([name, field]);
  }
  return entries;
}

/** `maxLifetimeSeconds` means nothing without `requireExpiry`: one implies the other. */
function settle(controls: Record<string, unknown>): CredentialControls {
  if (controls['maxLifetimeSeconds'] !== undefined) controls['requireExpiry'] = true;
  const ordered: Record<string, unknown> = {};
  for (const name of CONTROL_FIELDS) if (controls[name] !== undefined) ordered[name] = controls[name];
  return ordered as CredentialControls;
}

/**
 * Checks controls given as JSON (the store's column, an admin API body) and returns them in
 * canonical form; throws `INVALID_ARGUMENT` naming the field.
 *
 * @example parseControls({ allowPaths: ['/tiles/'], rateLimit: { count: 50, per: 'second' } })
 */
export function parseControls(value: unknown): CredentialControls {
  const out: Record<string, unknown> = {};
  for (const [name, field] of fieldsOf(value, 'The controls')) if (field !== undefined) out[name] = FIELD_PARSERS[name](field);
  return settle(out);
}

/**
 * Checks changes given as JSON (`null` clears a field); throws `INVALID_ARGUMENT`.
 *
 * @example parseControlChanges({ rateLimit: null, dailyQuota: 1000 })
 */
export function parseControlChanges(value: unknown): ControlChanges {
  const out: Record<string, unknown> = {};
  for (const [name, field] of fieldsOf(value, 'The control changes')) if (field !== undefined) out[name] = field === null ? null : FIELD_PARSERS[name](field);
  return out as ControlChanges;
}

/**
 * `controls` with `changes` applied. Clearing `requireExpiry` clears `maxLifetimeSeconds` too.
 *
 * @example applyControlChanges({ dailyQuota: 10 }, { dailyQuota: null, allowPaths: ['/a/'] }) // { allowPaths: ['/a/'] }
 */
export function applyControlChanges(controls: CredentialControls, changes: ControlChanges): CredentialControls {
  const next: Record<string, unknown> = { ...controls };
  for (const name of CONTROL_FIELDS) {
    const change = changes[name];
    if (change === null) delete next[name];
    else if (change !== undefined) next[name] = change;
  }
  if (changes.requireExpiry === null && changes.maxLifetimeSeconds === undefined) delete next['maxLifetimeSeconds'];
  return settle(next);
}

/**
 * True when `controls` restricts or limits anything.
 *
 * @example hasControls({}) // false
 */
export function hasControls(controls: CredentialControls): boolean {
  return CONTROL_FIELDS.some((name) => controls[name] !== undefined);
}
