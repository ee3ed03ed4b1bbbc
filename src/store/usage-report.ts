/**
 * Turns usage rows (one per group and outcome) into a report of one line per group, with
 * requests that passed, were refused and failed upstream side by side, and the credential's
 * label where the group names a credential — for the CLI table, CSV and `--json`, the admin API
 * and the usage page alike.
 */
import type { MapsignStore, UsageGrouping, UsageQuery, UsageRow } from './contract.js';
import { FAILED_OUTCOMES } from './outcomes.js';

/** One group's totals. */
export interface UsageReportLine {
  /**
   * The grouping values: `{ credentialId }`, `{ credentialId, channel }`, `{ day }`,
   * `{ hour }` (`YYYY-MM-DDTHH:00Z`) or `{ credentialId, day }`.
   */
  readonly group: Readonly<Record<string, string>>;
  /**
   * The credential's label when the group names a credential (`null` without one, or for a
   * credential the database no longer holds); absent for `day` and `hour`.
   */
  readonly label?: string | null;
  readonly ok: number;
  /** Requests refused before forwarding: a shape rule or verification (4xx, 505). */
  readonly refused: number;
  /**
   * Verified requests that did not get the upstream's answer: the upstream failed (5xx), the
   * client left or stalled, or shutdown cut them.
   */
  readonly failed: number;
  readonly total: number;
  /** Count per outcome (`ok`, reason codes, upstream failures). */
  readonly outcomes: Readonly<Record<string, number>>;
}

const GROUP_KEYS: Readonly<Record<UsageGrouping, readonly ('credentialId' | 'channel' | 'day' | 'hour')[]>> = {
  client: ['credentialId'],
  channel: ['credentialId', 'channel'],
  day: ['day'],
  hour: ['hour'],
  'client-day': ['credentialId', 'day'],
};

const FAILED: ReadonlySet<string> = new Set(FAILED_OUTCOMES);

/**
 * True for the outcomes of verified requests that did not get the upstream's answer
 * ({@link FAILED_OUTCOMES}); every other outcome but `ok` is a refusal.
 *
 * @example isFailureOutcome('CLIENT_CLOSED') // true
 */
export function isFailureOutcome(outcome: string): boolean {
  return FAILED.has(outcome);
}

/**
 * Pivots usage rows into one line per group, in the rows' order; with `labels` (credential id →
 * label), lines that name a credential carry its label.
 *
 * @example buildUsageReport(await store.queryUsage({ by: 'client' }), 'client')
 */
export function buildUsageReport(rows: readonly UsageRow[], by: UsageGrouping, labels?: ReadonlyMap<string, string | null>): UsageReportLine[] {
  const lines = new Map<string, { group: Record<string, string>; outcomes: Record<string, number> }>();
  for (const row of rows) {
    const group: Record<string, string> = {};
    for (const key of GROUP_KEYS[by]) group[key] = row[key] ?? '';
    const name = JSON.stringify(group);
    let line = lines.get(name);
    if (line === undefined) lines.set(name, (line = { group, outcomes: {} }));
    line.outcomes[row.outcome] = (line.outcomes[row.outcome] ?? 0) + row.count;
  }
  return [...lines.values()].map(({ group, outcomes }) => {
    let ok = 0;
    let refused = 0;
    let failed = 0;
    for (const [outcome, count] of Object.entries(outcomes)) {
      if (outcome === 'ok') ok += count;
      else if (isFailureOutcome(outcome)) failed += count;
      else refused += count;
    }
    const label = labels === undefined || group['credentialId'] === undefined ? {} : { label: labels.get(group['credentialId']) ?? null };
    return { group, ...label, ok, refused, failed, total: ok + refused + failed, outcomes };
  });
}

/**
 * Runs `query` and builds its report with the credentials' labels.
 *
 * @example const lines = await readUsageReport(store, { by: 'client', since: '2026-01-01', until: '2026-01-31' })
 */
export async function readUsageReport(store: MapsignStore, query: UsageQuery): Promise<UsageReportLine[]> {
  const rows = await store.queryUsage(query);
  const named = query.by !== 'day' && query.by !== 'hour';
  const labels = named ? new Map((await store.listCredentials()).map((c) => [c.id, c.label] as const)) : undefined;
  return buildUsageReport(rows, query.by, labels);
}
