/**
 * The usage page's shell, served at `/usage/page` on the admin listener: one self-contained
 * HTML document with its style and script inline, and a Content-Security-Policy that allows
 * exactly those two (by hash), requests to its own origin only, and nothing else — no images,
 * fonts, frames, form posts or other hosts.
 *
 * How a browser gets in: the shell holds no data, so it is the one admin path served without
 * the token. It asks for the admin token, keeps it in `sessionStorage` (this tab only, gone
 * when the tab closes; never a cookie, never in a URL) and sends it as
 * `Authorization: Bearer` when it fetches the chart and table from `/usage/chart`, which is
 * behind the token like every other admin endpoint. A refused token is forgotten at once.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; background: #ffffff; }
body { margin: 0 auto; max-width: 820px; padding: 16px 20px 40px; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
p.lead { margin: 0 0 16px; color: #333; }
form { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin: 0 0 12px; }
form[hidden], button[hidden] { display: none; }
label { display: flex; flex-direction: column; font-size: 0.9rem; font-weight: 600; gap: 3px; }
input { font: inherit; padding: 5px 7px; border: 1px solid #767676; border-radius: 4px; color: #1a1a1a; background: #fff; }
button { font: inherit; padding: 6px 14px; border: 1px solid #0b4f8a; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #0b4f8a; }
button:focus-visible, input:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
#status { min-height: 1.4em; margin: 4px 0 10px; font-weight: 600; color: #8a1c00; }
.summary { font-size: 1.05rem; margin: 8px 0; }
figure { margin: 0 0 18px; }
figcaption { font-size: 0.9rem; color: #333; }
svg.usage-chart { width: 100%; height: auto; display: block; }
svg.usage-chart text { fill: #1a1a1a; font-size: 12px; font-family: inherit; }
svg.usage-chart .panel-title { font-weight: 600; font-size: 13px; }
svg.usage-chart .tick { fill: #444; font-size: 11px; }
svg.usage-chart .grid { stroke: #d0d0d0; stroke-dasharray: 3 3; }
svg.usage-chart .axis { stroke: #555; }
svg.usage-chart .bar:hover rect { stroke: #1a1a1a; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; border-top: 2px solid #555; }
`;

const SCRIPT = `
'use strict';
(() => {
  const KEY = 'mapsign-admin-token';
  const byId = (id) => document.getElementById(id);
  const tokenForm = byId('token-form');
  const rangeForm = byId('range-form');
  const forget = byId('forget');
  const status = byId('status');
  const report = byId('report');
  const state = (name) => { document.documentElement.dataset.state = name; };
  const say = (text) => { status.textContent = text; };
  const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
  byId('until').value = utcDay(Date.now());
  byId('since').value = utcDay(Date.now() - 29 * 86400000);
  const askForToken = (needed) => {
    tokenForm.hidden = !needed;
    rangeForm.hidden = needed;
    forget.hidden = needed;
    if (needed) byId('token').focus();
  };
  async function load() {
    const token = sessionStorage.getItem(KEY);
    if (!token) {
      askForToken(true);
      state('token');
      return;
    }
    askForToken(false);
    state('loading');
    say('Loading…');
    const query = new URLSearchParams({ since: byId('since').value, until: byId('until').value });
    let response;
    try {
      response = await fetch('chart?' + query, { headers: { authorization: 'Bearer ' + token }, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
    } catch (error) {
      say('The admin listener did not answer: ' + error.message);
      state('error');
      return;
    }
    const text = await response.text();
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      report.textContent = '';
      askForToken(true);
      say('The token was refused: enter the admin token again.');
      state('token');
      return;
    }
    if (!response.ok) {
      let message = 'The admin listener answered ' + response.status + '.';
      try { message = JSON.parse(text).error.message; } catch {}
      say(message);
      state('error');
      return;
    }
    // Server-built markup in which every label and id is escaped.
    report.innerHTML = text;
    say('');
    state('ready');
  }
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = byId('token').value.trim();
    byId('token').value = '';
    if (value !== '') sessionStorage.setItem(KEY, value);
    void load();
  });
  rangeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  forget.addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    report.textContent = '';
    say('The token is forgotten in this tab.');
    askForToken(true);
    state('token');
  });
  void load();
})();
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's policy: its own inline style and script by hash, fetches to its own origin, nothing else. */
const USAGE_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers the page is served with. */
export const USAGE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': USAGE_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The page's HTML. */
export const USAGE_PAGE_HTML = `<!doctype html>
<html lang="en" data-state="starting">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>mapsign usage</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>mapsign usage</h1>
<p class="lead">Requests per UTC day for each credential, split into ok, refused and failed, from this gateway's database.</p>
<form id="token-form" hidden>
<label>Admin token<input id="token" type="password" autocomplete="off" spellcheck="false" required></label>
<button type="submit">Show usage</button>
</form>
<form id="range-form" hidden>
<label>From (UTC day)<input id="since" type="date" required></label>
<label>To (UTC day, included)<input id="until" type="date" required></label>
<button type="submit">Update</button>
<button type="button" id="forget" class="secondary" hidden>Forget token</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<div id="report"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
