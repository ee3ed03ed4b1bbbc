/**
 * The audit trail as JSON log lines, for the gateway's stderr next to its notices: one line per
 * admin action or folded failed authentication (the admin API already bounds those), marked
 * `"event":"audit"` so a log shipper can route them. Like the stored entries, a line holds
 * names, addresses and durations, never a secret.
 */
import type { AuditEntry } from '../store/contract.js';

/**
 * Writes each entry as one JSON line; `stringify` may escape more than JSON does (the CLI
 * escapes C1 and bidi controls, since a label or id is chosen by an admin client).
 *
 * @example createAuditLogger(process.stderr)(entry) // {"time":"2026-01-10T12:00:00.000Z","event":"audit","actor":"admin-api",…}
 */
export function createAuditLogger(stream: NodeJS.WritableStream, stringify: (value: unknown) => string = JSON.stringify): (entry: AuditEntry) => void {
  return ({ time, ...rest }) => {
    stream.write(`${stringify({ time: new Date(time).toISOString(), event: 'audit', ...rest })}\n`);
  };
}
