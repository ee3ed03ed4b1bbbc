/**
 * An example Cloudflare Worker that verifies signed map URLs at the edge with `mapsign/web`
 * (WebCrypto only, no Node APIs), then forwards valid requests to the map service in
 * `UPSTREAM` — or, without `UPSTREAM`, answers with the verdict as JSON. Invalid requests get a
 * 403 (400, 414) that says why, exactly like the Node gateway.
 *
 * In your own project import from `mapsign/web`; here it imports the source so that the test
 * (test/worker/worker.test.ts) bundles what is in the repository and runs it in workerd.
 *
 * Runtimes hand the worker `request.url` already parsed as a WHATWG URL. That keeps a correctly
 * percent-encoded query byte for byte, which is what signers send; a URL with raw spaces or
 * quotes is re-encoded by the runtime and will not verify (the Node gateway, which sees the raw
 * request line, is the tool for such clients).
 */
import { verifyUrl } from '../../src/web.js';
import { loadCredentials, type LoadedCredentials } from './credentials.js';

/** The worker's bindings. */
export interface Env {
  /** JSON array of credentials (see credentials.ts); set as a secret. */
  readonly MAPSIGN_CREDENTIALS?: string;
  /** Origin of the map service, e.g. `https://tiles.internal.example`; optional. */
  readonly UPSTREAM?: string;
}

const STATUS: Readonly<Record<string, number>> = { URL_TOO_LONG: 414, MALFORMED_URL: 400 };

// Parsed once per isolate and binding text, not once per request.
let cached: { readonly text: string | undefined; readonly loaded: LoadedCredentials } | undefined;

function credentialsFor(env: Env): LoadedCredentials {
  if (cached === undefined || cached.text !== env.MAPSIGN_CREDENTIALS) cached = { text: env.MAPSIGN_CREDENTIALS, loaded: loadCredentials(env.MAPSIGN_CREDENTIALS) };
  return cached.loaded;
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}

/** The Worker: `export default { fetch }`, as workerd and Cloudflare expect. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/healthz') return text(200, 'ok');
    const credentials = credentialsFor(env);
    if (!credentials.ok) return text(500, `500 Misconfigured: ${credentials.problem}`);
    const result = await verifyUrl(request.url, credentials.lookup);
    if (!result.valid) return text(STATUS[result.reason] ?? 403, `${STATUS[result.reason] ?? 403} ${result.reason}: ${result.message}`);
    if (env.UPSTREAM === undefined || env.UPSTREAM === '') {
      return Response.json({ valid: true, scheme: result.scheme, credentialId: result.credentialId, channel: result.channel ?? null });
    }
    const headers = new Headers(request.headers);
    headers.set('x-mapsign-credential', result.credentialId);
    return fetch(new URL(`${url.pathname}${url.search}`, env.UPSTREAM), { method: request.method, headers, body: request.body, redirect: 'manual' });
  },
};
