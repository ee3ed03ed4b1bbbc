/**
 * One request against one route: the caller's query, decoded into literal names and values,
 * checked against the route's rules, then rebuilt by the core's URL builder — never pasted — in
 * the policy's order (the caller's parameters as the policy lists them, then the fixed ones), so
 * the same request always yields the same URL. A value the policy does not allow is refused
 * before any signature exists; the refusal names the parameter, never echoes the value.
 *
 * Pattern rules match the whole value (`policy.ts` anchors them); integer rules take
 * `-?[0-9]+` within the range; enum rules take one of the listed strings exactly.
 */
import { buildUrl } from '../core/build.js';
import { MAX_URL_LENGTH } from '../core/limits.js';
import type { ParamRule, SignRoute, ValueRule } from './policy.js';

/** Why a request's parameters are refused. */
export type ParamRefusalReason = 'UNKNOWN_PARAMETER' | 'PARAMETER_NOT_ALLOWED' | 'MISSING_PARAMETER' | 'FIXED_PARAMETER' | 'TOO_MANY_VALUES' | 'URL_TOO_LONG';

/** A refused parameter. */
export interface ParamRefusal {
  readonly reason: ParamRefusalReason;
  readonly parameter: string;
  readonly message: string;
}

/** The checked parameters, in the order they are signed, or the first refusal. */
export type ParamCheck = { readonly ok: true; readonly params: readonly (readonly [string, string])[] } | { readonly ok: false; readonly refusal: ParamRefusal };

function ruleText(rule: ValueRule): string {
  switch (rule.kind) {
    case 'pattern':
      return `match the pattern ${rule.source}`;
    case 'integer':
      return `be a whole number from ${rule.min} to ${rule.max}`;
    case 'enum':
      return `be one of ${rule.values.join(', ')}`;
  }
}

function allows(rule: ValueRule, value: string): boolean {
  switch (rule.kind) {
    case 'pattern':
      return rule.regex.test(value);
    case 'integer': {
      if (!/^-?[0-9]{1,16}$/.test(value)) return false;
      const number = Number(value);
      return number >= rule.min && number <= rule.max;
    }
    case 'enum':
      return rule.values.includes(value);
  }
}

function refuse(reason: ParamRefusalReason, parameter: string, message: string): ParamCheck {
  return { ok: false, refusal: { reason, parameter, message } };
}

/**
 * Checks decoded query pairs (as `URLSearchParams` yields them) against `route`.
 *
 * @example checkParams(route, new URL(request.url).searchParams) // { ok: true, params: [['center', '48.85,2.35'], ['size', '600x300']] }
 */
export function checkParams(route: SignRoute, query: Iterable<readonly [string, string]>): ParamCheck {
  const given = new Map<string, string[]>();
  for (const [name, value] of query) {
    const rule: ParamRule | undefined = route.params.get(name);
    if (rule === undefined) {
      if (route.fixed.some(([fixed]) => fixed === name)) return refuse('FIXED_PARAMETER', name, `${name} is fixed by the policy of route ${route.name}; leave it out.`);
      return refuse('UNKNOWN_PARAMETER', name, `Route ${route.name} takes no parameter ${name}; it takes ${[...route.params.keys()].join(', ') || 'none'}.`);
    }
    const values = given.get(name) ?? [];
    // A value longer than a whole URL can never be signed: refused before a pattern runs on it.
    if (value.length > MAX_URL_LENGTH) return refuse('URL_TOO_LONG', name, `${name} is longer than a signed URL may be (${MAX_URL_LENGTH} characters).`);
    if (values.length >= rule.maxCount) return refuse('TOO_MANY_VALUES', name, `${name} may be given at most ${rule.maxCount} time${rule.maxCount === 1 ? '' : 's'} on route ${route.name}.`);
    if (!allows(rule.value, value)) return refuse('PARAMETER_NOT_ALLOWED', name, `${name} must ${ruleText(rule.value)}.`);
    values.push(value);
    given.set(name, values);
  }
  for (const name of route.required) {
    if (!given.has(name)) return refuse('MISSING_PARAMETER', name, `Route ${route.name} needs ${name}.`);
  }
  const params: (readonly [string, string])[] = [];
  for (const name of route.params.keys()) for (const value of given.get(name) ?? []) params.push([name, value]);
  params.push(...route.fixed);
  return { ok: true, params };
}

/**
 * The URL to sign: the route's endpoint and the checked parameters, encoded literally; the
 * signer then adds the identity (`key=`/`client=`) and the signature. Throws the core's
 * `MapsignError` `URL_TOO_LONG` over 2048 characters.
 *
 * @example unsignedUrl(route, [['center', 'Paris & Co']]) // 'https://maps.googleapis.com/maps/api/staticmap?center=Paris%20%26%20Co'
 */
export function unsignedUrl(route: SignRoute, params: readonly (readonly [string, string])[]): string {
  return buildUrl(route.url, params, { space: route.space });
}
