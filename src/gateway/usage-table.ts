/**
 * The usage page's table: the chart's numbers as an HTML table, one row per credential and day
 * with requests, and a total row — what a screen reader reads, what a person copies, and what
 * still holds when the chart is too small to tell bars apart.
 */
import type { UsageReportLine } from '../store/usage-report.js';
import { escapeMarkup } from './markup-text.js';

const COUNT_COLUMNS = ['ok', 'refused', 'failed', 'total'] as const;

function row(cells: readonly string[], head: boolean): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((cell, i) => (i < 3 ? `<${tag}${head ? ' scope="col"' : ''}>${cell}</${tag}>` : `<${tag} class="number"${head ? ' scope="col"' : ''}>${cell}</${tag}>`)).join('')}</tr>`;
}

/**
 * `lines` (a `client-day` report) as a `<table>` sorted by credential and day, with totals.
 *
 * @example buildUsageTable(await readUsageReport(store, { by: 'client-day' }))
 */
export function buildUsageTable(lines: readonly UsageReportLine[]): string {
  const sorted = [...lines].sort((a, b) => {
    const [x, y] = [`${a.group['credentialId']}\u0000${a.group['day']}`, `${b.group['credentialId']}\u0000${b.group['day']}`];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const totals = { ok: 0, refused: 0, failed: 0, total: 0 };
  const body = sorted.map((line) => {
    for (const column of COUNT_COLUMNS) totals[column] += line[column];
    const id = line.group['credentialId'] ?? '';
    return row([id === '' ? '(none)' : escapeMarkup(id), escapeMarkup(line.label ?? ''), escapeMarkup(line.group['day'] ?? ''), ...COUNT_COLUMNS.map((column) => String(line[column]))], false);
  });
  return [
    '<table class="usage-table">',
    '<caption>Requests per credential and UTC day</caption>',
    `<thead>${row(['Credential', 'Label', 'Day', 'OK', 'Refused', 'Failed', 'Total'], true)}</thead>`,
    `<tbody>${body.join('')}</tbody>`,
    `<tfoot>${row(['All', '', '', ...COUNT_COLUMNS.map((column) => String(totals[column]))], false)}</tfoot>`,
    '</table>',
  ].join('');
}
