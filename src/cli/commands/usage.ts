/**
 * `mapsign usage`: the gateway's request counts per client, channel or day, with how many
 * passed, were refused (by reason) and failed upstream — a table, or JSON with `--json`.
 */
import { defineCommand } from '../command.js';
import { UsageError } from '../usage-error.js';
import { withCommandStore } from '../store-command.js';
import { formatTable } from '../table.js';
import { escapeTerminal, jsonForTerminal } from '../terminal-text.js';
import type { UsageGrouping } from '../../store/index.js';
import { buildUsageReport } from '../../store/usage-report.js';
import { parseUsageDay } from '../../store/usage-query.js';

const GROUPINGS: readonly UsageGrouping[] = ['client', 'channel', 'day'];

/** The `usage` command. */
export const usage = defineCommand({
  name: 'usage',
  usage: '[--since DATE] [--by client|channel|day] [--json]',
  description: `Request counts from the gateway's database (default ./mapsign.db or $MAPSIGN_DB). Counts are
written by the running gateway about once a second and on shutdown.`,
  options: {
    db: { type: 'string', value: 'PATH|URL', help: 'the database: a SQLite file (which must exist) or a postgres:// URL\n(default ./mapsign.db or $MAPSIGN_DB)' },
    since: { type: 'string', value: 'DATE', help: 'first UTC day to include, YYYY-MM-DD (default: everything)' },
    by: { type: 'string', value: 'WHAT', help: 'client (default), channel or day' },
    json: { type: 'boolean', help: 'one JSON array: group, ok, refused, failed, total and the count per outcome' },
  },
  notes: [
    `Outcomes: ok; a refusal reason (SIGNATURE_MISMATCH, REVOKED_CREDENTIAL, …); UPSTREAM_5XX,
UPSTREAM_UNREACHABLE or UPSTREAM_TIMEOUT. Refusals that name no known credential are counted
under the client "(none)". Each credential keeps at most 100 distinct channels a day; requests
with further channels are counted under the channel "(other)".`,
  ],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`usage takes no arguments, got ${JSON.stringify(positionals[0])}.`);
    const by = (values.by ?? 'client') as UsageGrouping;
    if (!GROUPINGS.includes(by)) throw new UsageError(`--by must be client, channel or day, not ${JSON.stringify(values.by)}.`);
    const since = values.since;
    if (since !== undefined) {
      try {
        parseUsageDay(since, '--since');
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    return withCommandStore(io, { db: values.db, create: false }, async (store) => {
      const report = buildUsageReport(await store.queryUsage({ by, since }), by);
      if (values.json === true) {
        io.stdout.write(`${jsonForTerminal(report)}\n`);
        return 0;
      }
      const groupTitles = by === 'day' ? ['DAY'] : by === 'channel' ? ['CLIENT', 'CHANNEL'] : ['CLIENT'];
      const rows = report.map((line) => {
        // Credential ids and channels come from requests: escaped, so they cannot drive the terminal.
        const client = escapeTerminal(line.group['credentialId'] || '(none)');
        const group = by === 'day' ? [line.group['day']!] : by === 'channel' ? [client, escapeTerminal(line.group['channel'] || '-')] : [client];
        const reasons = Object.entries(line.outcomes).filter(([outcome]) => outcome !== 'ok').map(([outcome, count]) => `${escapeTerminal(outcome)}=${count}`).join(' ');
        return [...group, String(line.total), String(line.ok), String(line.refused), String(line.failed), reasons];
      });
      io.stdout.write(rows.length === 0 ? 'No requests counted yet.\n' : formatTable([...groupTitles, 'TOTAL', 'OK', 'REFUSED', 'FAILED', 'OUTCOMES'], rows));
      return 0;
    });
  },
});
