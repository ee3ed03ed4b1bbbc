/**
 * The usage page on the admin listener: `/usage/page`, the shell (`usage-page.ts`), served
 * without the token because it holds no data; and `/usage/chart`, the chart and table for a
 * range of UTC days, plugged into the admin API's `routes` behind the token like every other
 * admin endpoint.
 *
 *   GET /usage/page                                         the page (no token)
 *   GET /usage/chart?since=YYYY-MM-DD&until=YYYY-MM-DD      an HTML fragment (token): default
 *                                                           the 30 days up to today, at most 366
 *
 * Like the admin API's own endpoints, the chart refuses a query parameter it does not know
 * (`?sinse=`) or one given twice.
 */
import { errorJson } from '../http/error-body.js';
import type { MapsignStore } from '../store/contract.js';
import { StoreError } from '../store/errors.js';
import { checkUsageRange, DAY_MS, dayStart, parseUsageDay, utcDay } from '../store/usage-query.js';
import { readUsageReport } from '../store/usage-report.js';
import { readQuery, type QuerySchema } from './admin-request.js';
import type { FetchHandler } from './node-server.js';
import { buildUsageChart, daysBetween } from './usage-chart.js';
import { USAGE_PAGE_HEADERS, USAGE_PAGE_HTML } from './usage-page.js';
import { buildUsageTable } from './usage-table.js';

/** Where the page is. */
const USAGE_PAGE_PATH = '/usage/page';

/** Where the page fetches its chart and table. */
const USAGE_CHART_PATH = '/usage/chart';

/** Longest range the chart draws, in days. */
const MAX_CHART_DAYS = 366;

/** The chart's query parameters (each day is checked further by the store's parser). */
const CHART_QUERY: QuerySchema = {
  since: { type: 'string', maxLength: 10, description: 'first UTC day drawn, YYYY-MM-DD (default: 29 days before until)' },
  until: { type: 'string', maxLength: 10, description: 'last UTC day drawn, YYYY-MM-DD (default: today)' },
};


const FRAGMENT_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function methodNotAllowed(): Response {
  return new Response(errorJson({ status: 405, reason: 'METHOD_NOT_ALLOWED', message: 'Use GET.' }), { status: 405, headers: { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD' } });
}

/** The chart's days: the query's, or the 30 days up to today (UTC); a range too long is refused. */
function chartRange(url: URL, now: number): { since: string; until: string } {
  const { since: sinceText, until: untilText } = readQuery(url, CHART_QUERY);
  const until = untilText === undefined ? utcDay(now) : parseUsageDay(untilText, 'until');
  const since = sinceText === undefined ? utcDay(dayStart(until) - 29 * DAY_MS) : parseUsageDay(sinceText, 'since');
  checkUsageRange(since, until, 'since', 'until');
  if ((dayStart(until) - dayStart(since)) / DAY_MS + 1 > MAX_CHART_DAYS) {
    throw new StoreError('INVALID_INPUT', `The chart shows at most ${MAX_CHART_DAYS} days; narrow since/until (use \`mapsign usage --by client-day --csv\` for longer ranges).`);
  }
  return { since, until };
}

/**
 * The `/usage/chart` route, for `createAdminApi({ routes })`, which lets only GET through. Bad
 * days answer `INVALID_INPUT`, an unknown parameter `UNKNOWN_FIELD`, in the admin API's error
 * shape.
 */
function usageChartRoute(store: MapsignStore, now: () => number): FetchHandler {
  return async (request) => {
    const { since, until } = chartRange(new URL(request.url), now());
    const lines = await readUsageReport(store, { by: 'client-day', since, until });
    const counts = { ok: 0, refused: 0, failed: 0, total: 0 };
    for (const line of lines) for (const key of ['ok', 'refused', 'failed', 'total'] as const) counts[key] += line[key];
    const fragment = [
      `<section class="usage" data-since="${since}" data-until="${until}" data-total="${counts.total}">`,
      `<p class="summary"><strong>${counts.total}</strong> requests from ${since} to ${until} (UTC): ${counts.ok} ok, ${counts.refused} refused, ${counts.failed} failed.</p>`,
      `<figure>${buildUsageChart(lines, daysBetween(since, until, MAX_CHART_DAYS))}`,
      `<figcaption>One panel per credential, busiest first; each bar is one UTC day, stacked ok (blue, bottom), refused (orange), failed (purple, top). Hover a bar for its numbers; the table below has them all.</figcaption></figure>`,
      buildUsageTable(lines),
      `</section>`,
    ].join('\n');
    return new Response(fragment, { status: 200, headers: FRAGMENT_HEADERS });
  };
}

/**
 * `admin` with the page's shell answered at {@link USAGE_PAGE_PATH} before the token check
 * (the shell has no data; see `usage-page.ts` for how it then sends the token).
 *
 * @example serveFetch(withUsagePage(createAdminApi({ store, token, routes: usageRoutes(store) })), listen)
 */
export function withUsagePage(admin: FetchHandler): FetchHandler {
  return async (request, client) => {
    if (new URL(request.url).pathname !== USAGE_PAGE_PATH) return admin(request, client);
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed();
    return new Response(request.method === 'HEAD' ? null : USAGE_PAGE_HTML, { status: 200, headers: USAGE_PAGE_HEADERS });
  };
}

/**
 * The page's routes behind the token, for `createAdminApi({ routes })`; `now` (ms since the
 * epoch, default `Date.now`) says which day is today.
 *
 * @example createAdminApi({ store, token, routes: { ...usageRoutes(store) } })
 */
export function usageRoutes(store: MapsignStore, now: () => number = Date.now): Record<string, FetchHandler> {
  return { [USAGE_CHART_PATH]: usageChartRoute(store, now) };
}
