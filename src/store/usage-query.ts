/**
 * The part of a usage query every SQL store shares: which columns each grouping selects, and
 * how a result row becomes a {@link UsageRow}. The SQL dialects differ only in placeholders and
 * casts, which each store keeps. Also how long applied usage batch ids are remembered, and the
 * check of a query's first day, shared by the CLI and the admin API.
 */
import type { UsageGrouping, UsageRow } from './contract.js';
import { StoreError } from './errors.js';

/**
 * How long a store remembers an applied usage batch id: 7 days. A batch is retried at the next
 * flush or when the database returns, so a retry after that long is not expected; older ids are
 * deleted, at most once an hour per store, in the same transaction as a batch.
 */
export const BATCH_RETENTION_MS = 7 * 86_400_000;

/** How often a store prunes old batch ids. */
export const BATCH_PRUNE_EVERY_MS = 3_600_000;

/** The columns (before `outcome`) that each grouping selects and groups by. */
export const GROUP_COLUMNS: Readonly<Record<UsageGrouping, readonly string[]>> = {
  client: ['credential_id'],
  channel: ['credential_id', 'channel'],
  day: ['day'],
};

/** The select/group list for a grouping: its columns, then `outcome`. */
export function usageColumns(by: UsageGrouping): string {
  return [...GROUP_COLUMNS[by], 'outcome'].join(', ');
}

/** A result row (snake_case columns, `count`) as a {@link UsageRow} with only the grouped fields. */
export function toUsageRow(row: Readonly<Record<string, string | number>>): UsageRow {
  return {
    ...(row['credential_id'] === undefined ? {} : { credentialId: String(row['credential_id']) }),
    ...(row['channel'] === undefined ? {} : { channel: String(row['channel']) }),
    ...(row['day'] === undefined ? {} : { day: String(row['day']) }),
    outcome: String(row['outcome']),
    count: Number(row['count']),
  };
}

/**
 * `text` when it is a real UTC day `YYYY-MM-DD` (not `2026-02-31`, which `Date.parse` rolls into
 * March); throws `INVALID_INPUT` naming `label` otherwise.
 *
 * @example parseUsageDay('2026-01-31', '--since') // '2026-01-31'
 */
export function parseUsageDay(text: string, label: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(text) && Number.isFinite(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
  if (!valid) throw new StoreError('INVALID_INPUT', `${label} takes a real UTC day as YYYY-MM-DD, e.g. 2026-01-31, not ${JSON.stringify(text.slice(0, 20))}.`);
  return text;
}
