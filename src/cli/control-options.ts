/**
 * The restriction and limit options of `mapsign credentials create|update` — `--allow-path`,
 * `--allow-referrer`, `--allow-ip` (each repeatable), `--require-expiry`, `--max-lifetime`,
 * `--rate-limit`, `--daily-quota` and `--clear NAME` — turned into the core's controls, and
 * the lines `show` prints for them.
 *
 * On `update`, a list option replaces the whole list (give every value again to add one), and
 * `--clear` lifts one restriction or limit (`--clear allow-ip`); options not given keep their
 * value.
 */
import { formatRateLimit, parseControlChanges, parseControls, parseDailyQuota, parseRateLimit, type ControlChanges, type CredentialControls } from '../core/credential-controls.js';
import { MAX_LIFETIME_MS } from '../core/expiry.js';
import { parseDuration } from '../store/duration.js';
import type { OptionValues } from './command.js';
import { escapeTerminal } from './terminal-text.js';
import { UsageError } from './usage-error.js';

/** What `--clear` accepts, with the field each clears. */
const CLEARABLE = {
  'allow-path': 'allowPaths',
  'allow-referrer': 'allowReferrers',
  'allow-ip': 'allowIps',
  'require-expiry': 'requireExpiry',
  'max-lifetime': 'maxLifetimeSeconds',
  'rate-limit': 'rateLimit',
  'daily-quota': 'dailyQuota',
} as const satisfies Readonly<Record<string, keyof CredentialControls>>;

type ClearName = keyof typeof CLEARABLE | 'label';

/** The options, for a command's option list. */
export const CONTROL_OPTIONS = {
  'allow-path': { type: 'string', multiple: true, value: 'PREFIX', help: 'create, update: only paths under PREFIX (/tiles/); repeat for several' },
  'allow-referrer': { type: 'string', multiple: true, value: 'ORIGIN', help: 'create, update: only requests whose Origin/Referer is ORIGIN\n(https://app.example.com) or matches *.example.com; repeatable' },
  'allow-ip': { type: 'string', multiple: true, value: 'CIDR', help: 'create, update: only clients in CIDR (203.0.113.0/24, 2001:db8::/32); repeatable' },
  'require-expiry': { type: 'boolean', help: 'create, update: only signed URLs that carry expires=' },
  'max-lifetime': { type: 'string', value: 'DURATION', help: 'create, update: expires= at most DURATION ahead (1h); implies --require-expiry' },
  'rate-limit': { type: 'string', value: 'N/s|N/min', help: 'create, update: at most N requests per second or minute, on each gateway' },
  'daily-quota': { type: 'string', value: 'N', help: 'create, update: at most N forwarded requests per UTC day, on all gateways together' },
  clear: { type: 'string', multiple: true, value: 'NAME', help: `update: lift one: ${[...Object.keys(CLEARABLE), 'label'].join(', ')}; repeatable` },
} as const;

type ControlValues = OptionValues<typeof CONTROL_OPTIONS>;

/** The controls the options set, as JSON for the core's checks. */
function given(values: ControlValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values['allow-path'] !== undefined) out['allowPaths'] = values['allow-path'];
  if (values['allow-referrer'] !== undefined) out['allowReferrers'] = values['allow-referrer'];
  if (values['allow-ip'] !== undefined) out['allowIps'] = values['allow-ip'];
  if (values['require-expiry'] === true) out['requireExpiry'] = true;
  const lifetime = values['max-lifetime'];
  if (lifetime !== undefined) {
    const ms = parseDuration(lifetime, '--max-lifetime', { max: MAX_LIFETIME_MS });
    if (ms < 1000) throw new UsageError('--max-lifetime must be at least 1s.');
    out['maxLifetimeSeconds'] = Math.ceil(ms / 1000);
  }
  if (values['rate-limit'] !== undefined) out['rateLimit'] = parseRateLimit(values['rate-limit']);
  if (values['daily-quota'] !== undefined) out['dailyQuota'] = parseDailyQuota(values['daily-quota']);
  return out;
}

/**
 * The controls for `create`; `--clear` is refused there (there is nothing to clear).
 *
 * @example controlsFromOptions({ 'allow-path': ['/tiles/'] }) // { allowPaths: ['/tiles/'] }
 */
export function controlsFromOptions(values: ControlValues): CredentialControls {
  if (values.clear !== undefined) throw new UsageError('--clear is for credentials update; create sets only what it is given.');
  return parseControls(given(values));
}

/** What `update` changes: the controls, and the label when `--label` or `--clear label` is given. */
export interface UpdateRequest {
  readonly controls: ControlChanges;
  readonly clearLabel: boolean;
}

/**
 * The changes for `update`; a name both set and cleared is a usage error.
 *
 * @example changesFromOptions({ 'rate-limit': '50/s', clear: ['allow-ip'] }) // { controls: { rateLimit: …, allowIps: null }, clearLabel: false }
 */
export function changesFromOptions(values: ControlValues): UpdateRequest {
  const changes: Record<string, unknown> = given(values);
  let clearLabel = false;
  for (const name of values.clear ?? []) {
    if (name === 'label') {
      clearLabel = true;
      continue;
    }
    if (!(name in CLEARABLE)) throw new UsageError(`--clear ${JSON.stringify(name.slice(0, 30))} is not something to clear; use ${[...Object.keys(CLEARABLE), 'label'].join(', ')}.`);
    const field = CLEARABLE[name as Exclude<ClearName, 'label'>];
    if (changes[field] !== undefined) throw new UsageError(`--clear ${name} and --${name} contradict each other; give one.`);
    changes[field] = null;
  }
  return { controls: parseControlChanges(changes), clearLabel };
}

/** Seconds in the largest unit that writes them exactly: `3600` → `1h`. */
function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * The lines `show` prints for `controls` (none when there are none), escaped for the terminal.
 *
 * @example describeControls({ rateLimit: { count: 50, per: 'second' } }) // ['rate limit: 50/s on each gateway']
 */
export function describeControls(controls: CredentialControls): string[] {
  const lines: string[] = [];
  const each = (values: readonly string[]): string => values.map(escapeTerminal).join(', ');
  if (controls.allowPaths !== undefined) lines.push(`paths:    ${each(controls.allowPaths)}`);
  if (controls.allowReferrers !== undefined) lines.push(`referrers: ${each(controls.allowReferrers)}`);
  if (controls.allowIps !== undefined) lines.push(`networks: ${each(controls.allowIps)}`);
  if (controls.requireExpiry === true) lines.push(`expiry:   required${controls.maxLifetimeSeconds === undefined ? '' : `, at most ${formatSeconds(controls.maxLifetimeSeconds)} ahead`}`);
  if (controls.rateLimit !== undefined) lines.push(`rate limit: ${formatRateLimit(controls.rateLimit)} on each gateway`);
  if (controls.dailyQuota !== undefined) lines.push(`daily quota: ${controls.dailyQuota} requests per UTC day, all gateways`);
  return lines;
}

/**
 * A one-cell summary for `list`: what is restricted or limited, or `-`.
 *
 * @example summariseControls({ allowPaths: ['/t/'], dailyQuota: 10 }) // 'paths quota=10'
 */
export function summariseControls(controls: CredentialControls): string {
  const parts: string[] = [];
  if (controls.allowPaths !== undefined) parts.push('paths');
  if (controls.allowReferrers !== undefined) parts.push('referrers');
  if (controls.allowIps !== undefined) parts.push('ips');
  if (controls.requireExpiry === true) parts.push('expiry');
  if (controls.rateLimit !== undefined) parts.push(`rate=${formatRateLimit(controls.rateLimit)}`);
  if (controls.dailyQuota !== undefined) parts.push(`quota=${controls.dailyQuota}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}
