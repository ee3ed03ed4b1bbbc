/**
 * `mapsign usage`: the gateway's request counts per client, channel, day, hour or client and
 * day, with how many passed, were refused (by reason) and failed upstream, and each
 * credential's label — a table, JSON (`--json`) or CSV for spreadsheets (`--csv`).
 */
import { defineCommand } from '../command.js';
import { asUsageError, UsageError } from '../usage-error.js';
import { withCommandStore } from '../store-command.js';
import { formatCsv, type CsvCell } from '../csv.js';
import { formatTable } from '../table.js';
import { escapeTerminal, jsonForTerminal } from '../terminal-text.js';
import type { UsageGrouping } from '../../store/index.js';
import { readUsageReport, type UsageReportLine } from '../../store/usage-report.js';
import { checkUsageRange, parseUsageDay, USAGE_GROUPINGS } from '../../store/usage-query.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** The group columns of each grouping: title and value, raw (CSV and JSON keep '' as it is). */
const REPORT_COLUMNS: Readonly<Record<UsageGrouping, readonly { readonly title: string; readonly value: (line: UsageReportLine) => string }[]>> = (() => {
  const client = { title: 'client', value: (line: UsageReportLine) => line.group['credentialId'] ?? '' };
  const label = { title: 'label', value: (line: UsageReportLine) => line.label ?? '' };
  const channel = { title: 'channel', value: (line: UsageReportLine) => line.group['channel'] ?? '' };
  const day = { title: 'day', value: (line: UsageReportLine) => line.group['day'] ?? '' };
  const hour = { title: 'hour', value: (line: UsageReportLine) => line.group['hour'] ?? '' };
  return { client: [client, label], channel: [client, label, channel], day: [day], hour: [hour], 'client-day': [client, label, day] };
})();

/** What the table shows for an empty value of a column. */
const EMPTY_IN_TABLE: Readonly<Record<string, string>> = { client: '(none)', label: '-', channel: '-' };

function parseDay(text: string | undefined, option: string): string | undefined {
  return text === undefined ? undefined : asUsageError(() => parseUsageDay(text, option));
}

function chooseFormat(values: { format?: string | undefined; json?: boolean | undefined; csv?: boolean | undefined }): Format {
  const asked = [values.format, values.json === true ? 'json' : undefined, values.csv === true ? 'csv' : undefined].filter((f) => f !== undefined);
  if (new Set(asked).size > 1) throw new UsageError(`Choose one output format, not ${asked.join(' and ')}: --format table|json|csv (or --json, --csv).`);
  const format = asked[0] ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be table, json or csv, not ${JSON.stringify(format)}.`);
  return format as Format;
}

/** The report as CSV: group columns, the totals, then one column per outcome other than ok. */
function toCsv(report: readonly UsageReportLine[], by: UsageGrouping, forTerminal: boolean): string {
  const outcomes = [...new Set(report.flatMap((line) => Object.keys(line.outcomes)))].filter((o) => o !== 'ok').sort();
  // On a terminal, text from requests is escaped as in the table; into a file it stays as stored.
  const text = (value: string): string => (forTerminal ? escapeTerminal(value) : value);
  const rows = report.map((line): CsvCell[] => [
    ...REPORT_COLUMNS[by].map((column) => text(column.value(line))),
    line.total,
    line.ok,
    line.refused,
    line.failed,
    ...outcomes.map((outcome) => line.outcomes[outcome] ?? 0),
  ]);
  return formatCsv([...REPORT_COLUMNS[by].map((column) => column.title), 'total', 'ok', 'refused', 'failed', ...outcomes.map(text)], rows);
}

function toTable(report: readonly UsageReportLine[], by: UsageGrouping): string {
  if (report.length === 0) return 'No requests counted yet.\n';
  const rows = report.map((line) => {
    // Credential ids, labels and channels come from requests or operators: escaped, so they cannot drive the terminal.
    const group = REPORT_COLUMNS[by].map((column) => escapeTerminal(column.value(line) || (EMPTY_IN_TABLE[column.title] ?? '')));
    const reasons = Object.entries(line.outcomes).filter(([outcome]) => outcome !== 'ok').map(([outcome, count]) => `${escapeTerminal(outcome)}=${count}`).join(' ');
    return [...group, String(line.total), String(line.ok), String(line.refused), String(line.failed), reasons];
  });
  return formatTable([...REPORT_COLUMNS[by].map((column) => column.title.toUpperCase()), 'TOTAL', 'OK', 'REFUSED', 'FAILED', 'OUTCOMES'], rows);
}

/** The `usage` command. */
export const usage = defineCommand({
  name: 'usage',
  usage: '[--since DATE] [--until DATE] [--by client|channel|day|hour|client-day] [--format table|json|csv]',
  description: `Request counts from the gateway's database (default ./mapsign.db or $MAPSIGN_DB). Counts are
written by the running gateway about once a second and on shutdown.`,
  options: {
    db: { type: 'string', value: 'PATH|URL', help: 'the database: a SQLite file (which must exist) or a postgres:// URL\n(default ./mapsign.db or $MAPSIGN_DB)' },
    since: { type: 'string', value: 'DATE', help: 'first UTC day to include, YYYY-MM-DD (default: everything)' },
    until: { type: 'string', value: 'DATE', help: 'last UTC day to include, YYYY-MM-DD (default: everything)' },
    by: { type: 'string', value: 'WHAT', help: 'client (default), channel, day, hour (UTC) or client-day' },
    format: { type: 'string', value: 'FORMAT', help: 'table (default), json or csv' },
    json: { type: 'boolean', help: 'the same as --format json: one JSON array of group, label, ok, refused,\nfailed, total and the count per outcome' },
    csv: { type: 'boolean', help: 'the same as --format csv: RFC 4180, one column per outcome, for spreadsheets' },
  },
  notes: [
    `Outcomes: ok; a refusal reason (SIGNATURE_MISMATCH, REVOKED_CREDENTIAL, …); UPSTREAM_5XX,
UPSTREAM_UNREACHABLE or UPSTREAM_TIMEOUT. Refusals that name no known credential are counted
under the client "(none)" (an empty client in CSV and JSON). Each credential keeps at most 100
distinct channels a day; requests with further channels are counted under the channel "(other)".`,
    `--by hour reads the hourly totals, which have no channel and start when the gateway was
upgraded to a mapsign that writes them. In CSV, a text cell starting with = + - or @ gets a
leading ' so that a spreadsheet shows it as text instead of running it as a formula.`,
  ],
  examples: ['mapsign usage --since 2026-01-01 --until 2026-01-31', 'mapsign usage --by hour --since 2026-01-31 --until 2026-01-31', 'mapsign usage --by client-day --csv > usage.csv'],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`usage takes no arguments, got ${JSON.stringify(positionals[0])}.`);
    const by = (values.by ?? 'client') as UsageGrouping;
    if (!USAGE_GROUPINGS.includes(by)) throw new UsageError(`--by must be ${USAGE_GROUPINGS.slice(0, -1).join(', ')} or ${USAGE_GROUPINGS.at(-1)}, not ${JSON.stringify(values.by)}.`);
    const format = chooseFormat(values);
    const since = parseDay(values.since, '--since');
    const until = parseDay(values.until, '--until');
    asUsageError(() => checkUsageRange(since, until, '--since', '--until'));
    return withCommandStore(io, { db: values.db, create: false }, async (store) => {
      const report = await readUsageReport(store, { by, since, until });
      if (format === 'json') io.stdout.write(`${jsonForTerminal(report)}\n`);
      else if (format === 'csv') io.stdout.write(toCsv(report, by, io.stdout.isTTY === true));
      else io.stdout.write(toTable(report, by));
      return 0;
    });
  },
});
