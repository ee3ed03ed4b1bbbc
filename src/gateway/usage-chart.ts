/**
 * The usage page's chart: requests per UTC day for each credential, as one small panel per
 * credential with a bar a day stacked by outcome (ok, refused, failed), as an SVG string.
 *
 * A pure function of the report lines (grouping `client-day`) and the days to show, so the
 * markup the browser draws is the markup the unit tests read: every bar carries its day,
 * credential and total in `data-` attributes and a `<title>` tooltip, every segment its
 * outcome and count. Panels share one day axis; each has its own height scale (a quiet
 * credential stays readable next to a busy one), with its largest day written at the top.
 * Colours are the Okabe–Ito palette (Okabe and Ito, "Color Universal Design"), told apart with
 * any common colour vision deficiency, and the legend and titles say what they mean. Labels and
 * ids are escaped; no style attributes are used, so a strict Content-Security-Policy applies.
 */
import { DAY_MS, dayStart, utcDay } from '../store/usage-query.js';
import type { UsageReportLine } from '../store/usage-report.js';
import { escapeMarkup } from './markup-text.js';

/** The outcome classes stacked in each bar, bottom first, with their colour and legend text. */
export const CHART_OUTCOMES = [
  { key: 'ok', colour: '#0072B2', legend: 'ok' },
  { key: 'refused', colour: '#E69F00', legend: 'refused (before forwarding)' },
  { key: 'failed', colour: '#CC79A7', legend: 'failed (after verifying)' },
] as const;

/** Panels drawn at most; further credentials (the quietest) are summed into one last panel. */
export const MAX_PANELS = 12;

const WIDTH = 760;
const LEFT = 56;
const RIGHT = 12;
const LEGEND_HEIGHT = 34;
const PANEL_HEIGHT = 118;
const TITLE_HEIGHT = 22;
const PLOT_HEIGHT = 64;
const AXIS_HEIGHT = 32;

type Counts = Record<(typeof CHART_OUTCOMES)[number]['key'], number>;

interface Panel {
  readonly name: string;
  readonly credentialId: string;
  readonly total: Counts;
  readonly days: Map<string, Counts>;
}

const zero = (): Counts => ({ ok: 0, refused: 0, failed: 0 });
const sum = (c: Counts): number => c.ok + c.refused + c.failed;

/** `label (id)`, the id alone, or what an empty id means. */
function panelName(credentialId: string, label: string | null | undefined): string {
  if (credentialId === '') return 'no known credential';
  return label ? `${label} (${credentialId})` : credentialId;
}

function addTo(target: Counts, line: Pick<UsageReportLine, 'ok' | 'refused' | 'failed'>): void {
  target.ok += line.ok;
  target.refused += line.refused;
  target.failed += line.failed;
}

/** One panel per credential, busiest first; beyond {@link MAX_PANELS}, the rest in one. */
function panelsOf(lines: readonly UsageReportLine[], days: ReadonlySet<string>): Panel[] {
  const byCredential = new Map<string, Panel>();
  for (const line of lines) {
    const day = line.group['day'] ?? '';
    if (!days.has(day)) continue;
    const id = line.group['credentialId'] ?? '';
    let panel = byCredential.get(id);
    if (panel === undefined) byCredential.set(id, (panel = { name: panelName(id, line.label), credentialId: id, total: zero(), days: new Map() }));
    let counts = panel.days.get(day);
    if (counts === undefined) panel.days.set(day, (counts = zero()));
    addTo(counts, line);
    addTo(panel.total, line);
  }
  const sorted = [...byCredential.values()].sort((a, b) => sum(b.total) - sum(a.total) || (a.credentialId < b.credentialId ? -1 : 1));
  if (sorted.length <= MAX_PANELS) return sorted;
  const rest = sorted.slice(MAX_PANELS - 1);
  const merged: Panel = { name: `${rest.length} more credentials`, credentialId: '(more)', total: zero(), days: new Map() };
  for (const panel of rest) {
    addTo(merged.total, panel.total);
    for (const [day, counts] of panel.days) {
      let into = merged.days.get(day);
      if (into === undefined) merged.days.set(day, (into = zero()));
      addTo(into, counts);
    }
  }
  return [...sorted.slice(0, MAX_PANELS - 1), merged];
}

/** Every UTC day from `since` to `until` inclusive (both `YYYY-MM-DD`), at most `max`. */
export function daysBetween(since: string, until: string, max = 366): string[] {
  const days: string[] = [];
  for (let t = dayStart(since); t <= dayStart(until) && days.length < max; t += DAY_MS) days.push(utcDay(t));
  return days;
}

function describe(counts: Counts): string {
  return CHART_OUTCOMES.map((o) => `${o.key} ${counts[o.key]}`).join(', ');
}

/** A bar's segments, bottom to top, and its tooltip. */
function bar(panel: Panel, day: string, x: number, width: number, baseline: number, scale: number): string {
  const counts = panel.days.get(day) ?? zero();
  const total = sum(counts);
  let y = baseline;
  const segments = CHART_OUTCOMES.filter((o) => counts[o.key] > 0).map((o) => {
    const height = counts[o.key] * scale;
    y -= height;
    return `<rect data-outcome="${o.key}" data-count="${counts[o.key]}" x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${width.toFixed(2)}" height="${height.toFixed(2)}" fill="${o.colour}"/>`;
  });
  const tip = `${day} · ${panel.name}: ${total} requests (${describe(counts)})`;
  return `<g class="bar" data-credential="${escapeMarkup(panel.credentialId)}" data-day="${day}" data-total="${total}"><title>${escapeMarkup(tip)}</title>${segments.join('')}</g>`;
}

/** Which days get a label under the axis: first, last, and evenly between, about 8 in all. */
function labelledDays(days: readonly string[]): Set<number> {
  const step = Math.max(1, Math.ceil(days.length / 8));
  const shown = new Set<number>([0, days.length - 1]);
  for (let i = 0; i < days.length; i += step) if (days.length - 1 - i >= step / 2) shown.add(i);
  return shown;
}

function panelMarkup(panel: Panel, days: readonly string[], top: number): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const slot = plotWidth / days.length;
  const width = Math.max(1, slot * 0.78);
  const peak = Math.max(1, ...days.map((day) => sum(panel.days.get(day) ?? zero())));
  const baseline = top + TITLE_HEIGHT + PLOT_HEIGHT;
  const scale = PLOT_HEIGHT / peak;
  const title = `${panel.name} — ${sum(panel.total)} requests (${describe(panel.total)})`;
  const bars = days.map((day, i) => bar(panel, day, LEFT + i * slot + (slot - width) / 2, width, baseline, scale));
  return [
    `<g class="panel" data-credential="${escapeMarkup(panel.credentialId)}" data-total="${sum(panel.total)}">`,
    `<text class="panel-title" x="${LEFT}" y="${top + 15}">${escapeMarkup(title)}</text>`,
    `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${baseline - PLOT_HEIGHT}" y2="${baseline - PLOT_HEIGHT}"/>`,
    `<text class="tick" x="${LEFT - 6}" y="${baseline - PLOT_HEIGHT + 4}" text-anchor="end">${peak}</text>`,
    `<text class="tick" x="${LEFT - 6}" y="${baseline + 4}" text-anchor="end">0</text>`,
    ...bars,
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${baseline}" y2="${baseline}"/>`,
    `</g>`,
  ].join('');
}

function legendMarkup(): string {
  let x = LEFT;
  return CHART_OUTCOMES.map((o) => {
    const item = `<g class="legend-item" data-outcome="${o.key}"><rect x="${x}" y="10" width="14" height="14" fill="${o.colour}"/><text x="${x + 20}" y="22">${escapeMarkup(o.legend)}</text></g>`;
    x += 20 + o.legend.length * 6.4 + 18;
    return item;
  }).join('');
}

function axisMarkup(days: readonly string[], top: number): string {
  const slot = (WIDTH - LEFT - RIGHT) / days.length;
  const shown = labelledDays(days);
  return days
    .map((day, i) => (shown.has(i) ? `<text class="tick" x="${(LEFT + (i + 0.5) * slot).toFixed(2)}" y="${top + 16}" text-anchor="middle">${day.slice(5)}</text>` : ''))
    .join('');
}

/**
 * The chart for `lines` (a `client-day` report) over `days` (consecutive UTC days, see
 * {@link daysBetween}), as a standalone `<svg>` element; lines on other days are left out.
 *
 * @example buildUsageChart(await readUsageReport(store, { by: 'client-day', since, until }), daysBetween(since, until))
 */
export function buildUsageChart(lines: readonly UsageReportLine[], days: readonly string[]): string {
  const panels = panelsOf(lines, new Set(days));
  const first = days[0] ?? '';
  const last = days.at(-1) ?? '';
  const grand = zero();
  for (const panel of panels) addTo(grand, panel.total);
  // The legend, the panels (the last without its gap below), then the day labels.
  const height = LEGEND_HEIGHT + Math.max(1, panels.length) * PANEL_HEIGHT - (PANEL_HEIGHT - TITLE_HEIGHT - PLOT_HEIGHT) + AXIS_HEIGHT;
  const body =
    panels.length === 0 || days.length === 0
      ? `<text class="empty" x="${LEFT}" y="${LEGEND_HEIGHT + 40}">No requests counted from ${first} to ${last}.</text>`
      : panels.map((panel, i) => panelMarkup(panel, days, LEGEND_HEIGHT + i * PANEL_HEIGHT)).join('') + axisMarkup(days, height - AXIS_HEIGHT);
  const summary = `Requests per UTC day from ${first} to ${last}, one panel per credential: ${sum(grand)} in all (${describe(grand)}).`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="usage-chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="usage-chart-title usage-chart-desc" data-total="${sum(grand)}">`,
    `<title id="usage-chart-title">Requests per day by credential and outcome</title>`,
    `<desc id="usage-chart-desc">${escapeMarkup(summary)}</desc>`,
    legendMarkup(),
    body,
    `</svg>`,
  ].join('');
}
