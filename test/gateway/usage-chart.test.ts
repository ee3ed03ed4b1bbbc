/**
 * The usage chart and table as pure functions of a `client-day` report: every bar's segments
 * add up to its total and to the report's numbers, days without requests are drawn empty, the
 * busiest credentials get their own panel and the rest are summed exactly, and labels — text
 * chosen by operators — are escaped wherever they appear.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUsageChart, CHART_OUTCOMES, daysBetween, MAX_PANELS } from '../../src/gateway/usage-chart.js';
import { buildUsageTable } from '../../src/gateway/usage-table.js';
import type { UsageReportLine } from '../../src/store/usage-report.js';

function line(credentialId: string, day: string, ok: number, refused: number, failed: number, label: string | null = null): UsageReportLine {
  return { group: { credentialId, day }, label, ok, refused, failed, total: ok + refused + failed, outcomes: {} };
}

/** The bars of an SVG string: credential, day, total, and each segment's outcome and count. */
function barsOf(svg: string): { credential: string; day: string; total: number; segments: [string, number][] }[] {
  return [...svg.matchAll(/<g class="bar" data-credential="([^"]*)" data-day="([^"]*)" data-total="(\d+)">(.*?)<\/g>/g)].map((m) => ({
    credential: m[1]!,
    day: m[2]!,
    total: Number(m[3]),
    segments: [...m[4]!.matchAll(/data-outcome="(\w+)" data-count="(\d+)"/g)].map((s) => [s[1]!, Number(s[2])] as [string, number]),
  }));
}

test('daysBetween lists every UTC day of the range, both ends included, across month ends', () => {
  assert.deepEqual(daysBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  assert.deepEqual(daysBetween('2026-01-05', '2026-01-05'), ['2026-01-05']);
  assert.equal(daysBetween('2026-01-01', '2027-12-31', 366).length, 366);
});

test('each bar stacks ok, refused and failed from the bottom, and its segments add up to the report', () => {
  const days = daysBetween('2026-01-10', '2026-01-12');
  const lines = [line('gme-a', '2026-01-10', 5, 2, 1, 'Acme'), line('gme-a', '2026-01-12', 3, 0, 0, 'Acme'), line('gme-b', '2026-01-11', 0, 4, 0), line('gme-b', '2026-02-01', 9, 9, 9)];
  const svg = buildUsageChart(lines, days);
  const bars = barsOf(svg);
  assert.equal(bars.length, 2 * days.length, 'one bar per credential and day, empty days included');
  for (const bar of bars) assert.equal(bar.segments.reduce((sum, [, count]) => sum + count, 0), bar.total, `${bar.credential} ${bar.day}`);
  assert.deepEqual(bars.find((b) => b.credential === 'gme-a' && b.day === '2026-01-10')!.segments, [['ok', 5], ['refused', 2], ['failed', 1]]);
  assert.deepEqual(bars.find((b) => b.credential === 'gme-a' && b.day === '2026-01-11')!.segments, []);
  assert.match(svg, /^<svg [^>]*data-total="15">/, 'the whole chart: 8 + 3 + 4, the day outside the range left out');
  assert.match(svg, /<text class="panel-title"[^>]*>Acme \(gme-a\) — 11 requests \(ok 8, refused 2, failed 1\)<\/text>/);
  // The tallest bar fills the plot; the others are in proportion.
  const heights = [...svg.matchAll(/data-credential="gme-a" data-day="(2026-01-1\d)"[^>]*><title>[^<]*<\/title>((?:<rect[^>]*\/>)*)/g)].map((m) => [m[1], [...m[2]!.matchAll(/height="([\d.]+)"/g)].reduce((sum, h) => sum + Number(h[1]), 0)]);
  assert.deepEqual(heights, [['2026-01-10', 64], ['2026-01-11', 0], ['2026-01-12', 24]]);
  for (const outcome of CHART_OUTCOMES) assert.match(svg, new RegExp(`<g class="legend-item" data-outcome="${outcome.key}"><rect [^>]*fill="${outcome.colour}"/><text [^>]*>${outcome.legend.replace(/[()]/g, '\\$&')}</text>`));
  assert.equal(new Set(CHART_OUTCOMES.map((o) => o.colour)).size, 3);
});

test('labels and ids are escaped in titles, tooltips and attributes of the chart and the table', () => {
  const hostile = '<script>alert(1)</script>" onload="x\' &amp;';
  const lines = [line('gme-"x"<y>', '2026-01-10', 1, 0, 0, hostile)];
  for (const markup of [buildUsageChart(lines, ['2026-01-10']), buildUsageTable(lines)]) {
    assert.ok(!markup.includes('<script'), 'no element from a label');
    assert.ok(!markup.includes('" onload'), 'no attribute from a label');
    assert.ok(markup.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&#39; &amp;amp;'), markup);
    assert.ok(markup.includes('gme-&quot;x&quot;&lt;y&gt;'));
  }
});

test(`past ${MAX_PANELS} credentials the quietest are summed into one panel, exactly`, () => {
  const lines = Array.from({ length: 20 }, (_, i) => line(`gme-${String(i).padStart(2, '0')}`, '2026-01-10', 100 - i, i, 0));
  const svg = buildUsageChart(lines, ['2026-01-10']);
  const panels = [...svg.matchAll(/<g class="panel" data-credential="([^"]*)" data-total="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
  assert.equal(panels.length, MAX_PANELS);
  assert.deepEqual(panels[0], ['gme-00', 100], 'busiest first');
  assert.deepEqual(panels.at(-1), ['(more)', 9 * 100], 'gme-11 to gme-19, 100 requests each');
  assert.match(svg, />9 more credentials — 900 requests/);
  assert.equal(panels.reduce((sum, [, total]) => sum + (total as number), 0), 20 * 100);
});

test('a range without requests says so; the table totals what it lists', () => {
  assert.match(buildUsageChart([], daysBetween('2026-01-01', '2026-01-07')), /<text class="empty"[^>]*>No requests counted from 2026-01-01 to 2026-01-07\.<\/text>/);
  const table = buildUsageTable([line('gme-b', '2026-01-11', 1, 2, 3), line('', '2026-01-10', 0, 4, 0), line('gme-a', '2026-01-10', 5, 0, 0, 'web')]);
  const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));
  assert.deepEqual(rows, [
    ['Credential', 'Label', 'Day', 'OK', 'Refused', 'Failed', 'Total'],
    ['(none)', '', '2026-01-10', '0', '4', '0', '4'],
    ['gme-a', 'web', '2026-01-10', '5', '0', '0', '5'],
    ['gme-b', '', '2026-01-11', '1', '2', '3', '6'],
    ['All', '', '', '6', '6', '3', '15'],
  ]);
});
