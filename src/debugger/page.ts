/**
 * The built URL Signing Debugger for servers: `mapsign serve` answers `/debugger` with it.
 *
 * `npm run build` bundles the page into one self-contained file, dist/debugger/debugger.html
 * (scripts/build-debugger.mjs). This module reads that file once and caches it. The path is found
 * relative to this module, two levels below the package root both as src/debugger/page.ts (tsx)
 * and as dist/debugger/page.js (built), so both resolve to the same dist file.
 *
 * @example
 * import { debuggerRoute } from './debugger/page.js'
 * createGateway({ ...options, routes: { '/debugger': debuggerRoute } })
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built page. */
export const DEBUGGER_PAGE_FILE = fileURLToPath(new URL('../../dist/debugger/debugger.html', import.meta.url));

/**
 * Headers to serve the page with. The page carries its own Content-Security-Policy (no
 * requests, hashed inline script and style) in a meta tag; the header adds what a meta tag
 * cannot say: no framing by other sites.
 */
export const DEBUGGER_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Thrown when dist/debugger/debugger.html is missing: the package was not built. */
export class DebuggerPageMissingError extends Error {
  override readonly name = 'DebuggerPageMissingError';
  readonly code = 'DEBUGGER_PAGE_MISSING';

  constructor(options?: { cause?: unknown }) {
    super('The debugger page is not built: run `npm run build`, which writes dist/debugger/debugger.html.', options);
  }
}

let cached: string | undefined;

/**
 * The page's HTML, read from dist on first use and cached for the life of the process.
 *
 * @throws {DebuggerPageMissingError} when the page has not been built
 * @example response.end(debuggerPage())
 */
export function debuggerPage(): string {
  if (cached !== undefined) return cached;
  try {
    cached = readFileSync(DEBUGGER_PAGE_FILE, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DebuggerPageMissingError({ cause: error });
    throw error;
  }
  return cached;
}

/**
 * A fetch-style `Response` for `GET /debugger` (200 with the page and its headers).
 *
 * @throws {DebuggerPageMissingError} when the page has not been built
 * @example if (url.pathname === '/debugger') return debuggerResponse()
 */
export function debuggerResponse(): Response {
  return new Response(debuggerPage(), { status: 200, headers: DEBUGGER_PAGE_HEADERS });
}

const PAGE_PATHS = new Set(['/debugger', '/debugger/']);

/**
 * A fetch-style route for the gateway's unauthenticated `routes` at `/debugger`: `GET` and
 * `HEAD` answer with the page; other methods get 405, other paths under `/debugger` 404 (the
 * page has no sub-resources), and a missing build 503 with what to run — never an exception.
 *
 * @example createGateway({ ...options, routes: { '/debugger': debuggerRoute } })
 */
export async function debuggerRoute(request: Request): Promise<Response> {
  const text = (status: number, body: string, headers: Record<string, string> = {}): Response =>
    new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
  if (!PAGE_PATHS.has(new URL(request.url).pathname)) return text(404, 'Not found: the debugger is at /debugger.\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Use GET for the debugger page.\n', { allow: 'GET, HEAD' });
  try {
    const page = debuggerResponse();
    return request.method === 'HEAD' ? new Response(null, { status: 200, headers: page.headers }) : page;
  } catch (error) {
    if (error instanceof DebuggerPageMissingError) return text(503, `${error.message}\n`);
    throw error;
  }
}
