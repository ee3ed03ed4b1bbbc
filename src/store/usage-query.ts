/**
 * The part of a usage query every SQL store shares: which table and columns each grouping
 * selects, the day range, and how a result row becomes a {@link UsageRow}. The SQL dialects
 * differ only in placeholders and casts, which each store keeps. Also how long applied usage
 * batch ids are remembered, and the check of a query's days, shared by the CLI and the admin API.
 */
import type { UsageGrouping, UsageQuery, UsageRow } from './contract.js';
import { StoreError } from './errors.js';

/** Milliseconds in a UTC day (usage, quotas and audit ranges count whole UTC days). */
export const DAY_MS = 86_400_000;

/**
 * How long a store remembers an applied usage batch id: 7 days. A batch is retried at the next
 * flush or when the database returns, so a retry after that long is not expected; older ids are
 * deleted, at most once an hour per store, in the same transaction as a batch.
 */
export const BATCH_RETENTION_MS = 7 * DAY_MS;

/** How often a store prunes old batch ids. */
export const BATCH_PRUNE_EVERY_MS = 3_600_000;

/** The columns (before `outcome`) that each grouping selects and groups by. */
const GROUP_COLUMNS: Readonly<Record<UsageGrouping, readonly string[]>> = {
  client: ['credential_id'],
  channel: ['credential_id', 'channel'],
  day: ['day'],
  hour: ['day', 'hour'],
  'client-day': ['credential_id', 'day'],
};

/** Every grouping, in the order `--by` lists them. */
export const USAGE_GROUPINGS = Object.keys(GROUP_COLUMNS) as readonly UsageGrouping[];

/** The select/group list for a grouping: its columns, then `outcome`. */
export function usageColumns(by: UsageGrouping): string {
  return [...GROUP_COLUMNS[by], 'outcome'].join(', ');
}

/** The table a grouping reads, without schema: the hourly totals for `hour`, else the daily ones. */
export function usageTable(by: UsageGrouping): 'usage' | 'usage_hourly' {
  return by === 'hour' ? 'usage_hourly' : 'usage';
}

/** The query's days as the bounds of `day >= ? AND day <= ?` (open ends become '' and '9999-12-31'). */
export function usageDayRange(query: UsageQuery): [string, string] {
  return [query.since ?? '', query.until ?? '9999-12-31'];
}

/** A result row (snake_case columns, `count`) as a {@link UsageRow} with only the grouped fields. */
export function toUsageRow(row: Readonly<Record<string, string | number>>): UsageRow {
  const hourly = row['hour'] !== undefined;
  return {
    ...(row['credential_id'] === undefined ? {} : { credentialId: String(row['credential_id']) }),
    ...(row['channel'] === undefined ? {} : { channel: String(row['channel']) }),
    ...(row['day'] === undefined || hourly ? {} : { day: String(row['day']) }),
    ...(hourly ? { hour: `${String(row['day'])}T${String(row['hour']).padStart(2, '0')}:00Z` } : {}),
    outcome: String(row['outcome']),
    count: Number(row['count']),
  };
}

/**
 * Throws `INVALID_INPUT` when `until` comes before `since` (both checked days), which would
 * select nothing — surely a typo.
 *
 * @example checkUsageRange('2026-01-01', '2026-01-31', '--since', '--until')
 */
export function checkUsageRange(since: string | undefined, until: string | undefined, sinceLabel: string, untilLabel: string): void {
  if (since !== undefined && until !== undefined && until < since) {
    throw new StoreError('INVALID_INPUT', `${untilLabel} ${until} is before ${sinceLabel} ${since}; both days are included, so give ${untilLabel} on or after ${sinceLabel}.`);
  }
}

/**
 * The UTC day `YYYY-MM-DD` of an instant in milliseconds since 1970.
 *
 * @example utcDay(Date.UTC(2026, 0, 31, 23, 59)) // '2026-01-31'
 */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant a UTC day `YYYY-MM-DD` begins, in milliseconds since 1970. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/**
 * `text` when it is a real UTC day `YYYY-MM-DD` (not `2026-02-31`, which `Date.parse` rolls into
 * March); throws `INVALID_INPUT` naming `label` otherwise.
 *
 * @example parseUsageDay('2026-01-31', '--since') // '2026-01-31'
 */
export function parseUsageDay(text: string, label: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && Number.isFinite(dayStart(text)) && utcDay(dayStart(text)) === text;
  if (!valid) throw new StoreError('INVALID_INPUT', `${label} takes a real UTC day as YYYY-MM-DD, e.g. 2026-01-31, not ${JSON.stringify(text.slice(0, 20))}.`);
  return text;
}
