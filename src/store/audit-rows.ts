/**
 * The part of the audit trail every SQL store shares: checking a query's range and limit, and
 * turning an entry into the columns of the `audit` table and back. The details are kept as JSON
 * text, so both databases store and return them byte for byte alike.
 */
import { MAX_AUDIT_LIMIT, type AuditAction, type AuditActor, type AuditEntry, type AuditQuery } from './contract.js';
import { StoreError } from './errors.js';

/** An `audit` table row, as both stores select it. */
export interface AuditRow {
  time: number;
  actor: string;
  source: string;
  action: string;
  credential_id: string | null;
  outcome: string;
  count: number;
  details: string;
}

/** The query's bounds as SQL parameters: since (inclusive), until (exclusive), limit. */
export interface AuditBounds {
  readonly since: number;
  readonly until: number;
  readonly limit: number;
}

/**
 * Checks an audit query; throws `INVALID_INPUT` for a limit out of range or times that are not
 * whole milliseconds.
 *
 * @example auditBounds({ since: Date.now() - 86_400_000 }) // { since, until: Number.MAX_SAFE_INTEGER, limit: 10000 }
 */
export function auditBounds(query: AuditQuery): AuditBounds {
  const limit = query.limit ?? MAX_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) throw new StoreError('INVALID_INPUT', `The audit limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}, not ${String(limit).slice(0, 20)}.`);
  const since = query.since ?? 0;
  const until = query.until ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(since) || !Number.isSafeInteger(until)) throw new StoreError('INVALID_INPUT', 'The audit range must be given in whole milliseconds since the epoch.');
  return { since, until, limit };
}

/**
 * The column values of an entry, in the order of {@link AUDIT_COLUMNS}.
 *
 * @example db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...auditValues(entry))
 */
export function auditValues(entry: AuditEntry): [number, string, string, string, string | null, string, number, string] {
  return [entry.time, entry.actor, entry.source, entry.action, entry.credentialId, entry.outcome, entry.count, JSON.stringify(entry.details)];
}

/** The columns {@link auditValues} fills. */
export const AUDIT_COLUMNS = 'time, actor, source, action, credential_id, outcome, count, details';

/**
 * A selected row as an {@link AuditEntry}.
 *
 * @example rows.map(toAuditEntry)
 */
export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    time: row.time,
    actor: row.actor as AuditActor,
    source: row.source,
    action: row.action as AuditAction,
    credentialId: row.credential_id,
    outcome: row.outcome,
    count: row.count,
    details: JSON.parse(row.details) as AuditEntry['details'],
  };
}
