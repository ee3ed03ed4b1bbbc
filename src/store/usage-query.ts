/**
 * The part of a usage query every SQL store shares: which columns each grouping selects, and
 * how a result row becomes a {@link UsageRow}. The SQL dialects differ only in placeholders and
 * casts, which each store keeps.
 */
import type { UsageGrouping, UsageRow } from './contract.js';

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
