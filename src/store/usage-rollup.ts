/**
 * How a batch of usage counts (channels already folded, see `usage-channels.ts`) becomes rows of
 * the two usage tables: the daily totals per (day, credential, channel, outcome), which every
 * report but `--by hour` reads, and the hourly totals per (day, hour, credential, outcome).
 *
 * Hourly rows carry no channel: the bound on channels per credential and day stays the one
 * bound, and a credential adds at most 24 rows a day per outcome to the hourly table whatever
 * its holders put in `channel=`. Both sets are written in the batch's one transaction, so a
 * batch is applied to both tables or to neither, and a retried batch id to neither.
 */
import type { UsageDelta } from './contract.js';

/** One hourly total to add. */
export interface HourlyDelta {
  readonly day: string;
  /** UTC hour, 0–23. */
  readonly hour: number;
  readonly credentialId: string;
  readonly outcome: string;
  readonly count: number;
}

/** The rows of each table for one batch, one per key, each list in ascending key order. */
export interface UsageRollup {
  readonly daily: UsageDelta[];
  readonly hourly: HourlyDelta[];
}

/**
 * Splits `deltas` into daily rows (summed over hours) and hourly rows (summed over channels;
 * deltas without an hour add to the daily rows only), each sorted by key so that concurrent
 * writers lock rows in the same order.
 *
 * @example const { daily, hourly } = rollUpUsage(foldUsage(deltas, bound))
 */
export function rollUpUsage(deltas: readonly UsageDelta[]): UsageRollup {
  const daily = new Map<string, UsageDelta>();
  const hourly = new Map<string, HourlyDelta>();
  for (const d of deltas) {
    const dayKey = `${d.day}\u0000${d.credentialId}\u0000${d.channel}\u0000${d.outcome}`;
    const day = daily.get(dayKey);
    daily.set(dayKey, { day: d.day, credentialId: d.credentialId, channel: d.channel, outcome: d.outcome, count: (day?.count ?? 0) + d.count });
    if (d.hour === undefined) continue;
    const hourKey = `${d.day}\u0000${String(d.hour).padStart(2, '0')}\u0000${d.credentialId}\u0000${d.outcome}`;
    const hour = hourly.get(hourKey);
    hourly.set(hourKey, { day: d.day, hour: d.hour, credentialId: d.credentialId, outcome: d.outcome, count: (hour?.count ?? 0) + d.count });
  }
  return { daily: sortedValues(daily), hourly: sortedValues(hourly) };
}

function sortedValues<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
