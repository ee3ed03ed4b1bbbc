/**
 * `mapsign audit`: the audit trail from the gateway's database — every credential created,
 * updated, rotated or revoked, by the CLI (with the OS user) or the admin API (with the
 * client's address), and failed admin authentication folded per address and minute. A table,
 * or JSON with `--json`; read-only (a missing database is an error naming it).
 */
import { defineCommand } from '../command.js';
import { asUsageError, UsageError } from '../usage-error.js';
import { withCommandStore } from '../store-command.js';
import { formatTable } from '../table.js';
import { escapeTerminal, jsonForTerminal } from '../terminal-text.js';
import type { AuditEntry } from '../../store/index.js';
import { parseAuditTime } from '../../store/audit-range.js';

const ISO_SECONDS = /\.\d{3}Z$/;

/** `key=value` pairs of an entry's details, arrays joined with commas. */
function detailText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}

/** Parses a `--since`/`--until` value, reporting a bad one as a usage error. */
function timeOption(text: string | undefined, bound: 'since' | 'until', now: number): number | undefined {
  return text === undefined ? undefined : asUsageError(() => parseAuditTime(text, `--${bound}`, bound, now));
}

/** The `audit` command. */
export const audit = defineCommand({
  name: 'audit',
  usage: '[--since WHEN] [--until WHEN] [--json]',
  description: `The audit trail in the gateway's database (default ./mapsign.db or $MAPSIGN_DB): who created,
updated, rotated or revoked which credential, when, and how it ended; and failed admin API
authentication. Never a secret.`,
  options: {
    db: { type: 'string', value: 'PATH|URL', help: 'the database: a SQLite file (which must exist) or a postgres:// URL\n(default ./mapsign.db or $MAPSIGN_DB)' },
    since: { type: 'string', value: 'WHEN', help: 'first entries to show: a duration back from now (24h, 7d), a UTC day\n(2026-01-31) or a UTC instant (2026-01-31T12:00:00Z); default everything' },
    until: { type: 'string', value: 'WHEN', help: 'last entries to show, the same forms (a day counts through its end)' },
    json: { type: 'boolean', help: 'one JSON array of entries (time in ms since the epoch)' },
  },
  notes: [
    `At most the newest 10000 entries in the range are shown, oldest first. Actors: cli (the OS user),
admin-api (the client address), library (your own code through mapsign/store). Failed admin
authentication is one entry per address and minute, with its count.`,
  ],
  examples: ['mapsign audit --since 7d', 'mapsign audit --since 2026-01-01 --until 2026-01-31 --json'],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`audit takes no arguments, got ${JSON.stringify(positionals[0])}.`);
    const now = Date.now();
    const since = timeOption(values.since, 'since', now);
    const until = timeOption(values.until, 'until', now);
    return withCommandStore(io, { db: values.db, create: false }, async (store) => {
      const entries = await store.listAudit({ since, until });
      if (values.json === true) {
        io.stdout.write(`${jsonForTerminal(entries)}\n`);
        return 0;
      }
      // Ids, addresses and details come from admin clients: escaped, so they cannot drive the terminal.
      const rows = entries.map((e) => [
        new Date(e.time).toISOString().replace(ISO_SECONDS, 'Z'),
        e.actor,
        escapeTerminal(e.source),
        e.action,
        escapeTerminal(e.credentialId ?? '-'),
        escapeTerminal(e.outcome),
        String(e.count),
        escapeTerminal(detailText(e.details)),
      ]);
      io.stdout.write(rows.length === 0 ? 'No audit entries in this range.\n' : formatTable(['TIME', 'ACTOR', 'SOURCE', 'ACTION', 'CREDENTIAL', 'OUTCOME', 'COUNT', 'DETAILS'], rows));
      return 0;
    });
  },
});
