/**
 * The bounds of an audit query as operators type them, shared by `mapsign audit` and the admin
 * API's `GET /audit`: a duration back from now (`24h`, `7d`), a UTC day (`2026-01-31`) or an
 * ISO 8601 instant in UTC (`2026-01-31T12:00:00Z`). A day given as the upper bound includes
 * that whole day, as `--until 2026-01-31` reads.
 */
import { parseDuration } from './duration.js';
import { StoreError } from './errors.js';
import { DAY_MS, parseUsageDay } from './usage-query.js';

/** How far back a duration may reach: 10 years. */
const MAX_LOOKBACK_MS = 3660 * 86_400_000;

/**
 * The instant in milliseconds that `text` names; `bound` says whether it starts the range
 * (`since`, a day is its first instant) or ends it (`until`, exclusive: a day ends at the
 * next midnight). Throws `INVALID_INPUT` naming `label`.
 *
 * @example parseAuditTime('2026-01-31', '--until', 'until') // Date.UTC(2026, 1, 1)
 * @example parseAuditTime('24h', '--since', 'since', now) // now - 86_400_000
 */
export function parseAuditTime(text: string, label: string, bound: 'since' | 'until', now = Date.now()): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${parseUsageDay(text, label)}T00:00:00Z`);
    return bound === 'since' ? start : start + DAY_MS;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/.test(text)) {
    const instant = Date.parse(text);
    if (Number.isFinite(instant)) return instant;
  }
  if (/^\d/.test(text) && /[a-z]$/.test(text)) return now - parseDuration(text, label, { max: MAX_LOOKBACK_MS });
  throw new StoreError('INVALID_INPUT', `${label} takes a duration back from now (24h, 7d), a UTC day (2026-01-31) or a UTC instant (2026-01-31T12:00:00Z), not ${JSON.stringify(text.slice(0, 30))}.`);
}
