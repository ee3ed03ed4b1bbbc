/**
 * An example Cloudflare Worker that verifies signed map URLs at the edge with `mapsign/web`
 * (WebCrypto only, no Node APIs), then forwards valid requests to the map service in
 * `UPSTREAM` — or, without `UPSTREAM`, answers with the verdict as JSON. Invalid requests get the
 * same refusal as from the Node gateway (403, 400, 405, 414, with the reason), from the same
 * code: `createFetchVerifier`. Only GET and HEAD pass; the forwarded URL is the upstream's
 * origin plus the verified path, so a path beginning with `//` can never name another host.
 *
 * In your own project import from `mapsign/web`; here it imports the source so that the test
 * (test/worker/worker.test.ts) bundles what is in the repository and runs it in workerd.
 *
 * Runtimes hand the worker `request.url` already parsed as a WHATWG URL. That keeps a correctly
 * percent-encoded query byte for byte, which is what signers send; a URL with raw spaces or
 * quotes is re-encoded by the runtime and will not verify (the Node gateway, which sees the raw
 * request line, is the tool for such clients).
 */
import { createFetchVerifier, type FetchVerdict } from '../../src/web.js';
import { loadCredentials, type LoadedCredentials } from './credentials.js';

/** The worker's bindings. */
export interface Env {
  /** JSON array of credentials (see credentials.ts); set as a secret. */
  readonly MAPSIGN_CREDENTIALS?: string;
  /** Origin of the map service, e.g. `https://tiles.internal.example`; optional. */
  readonly UPSTREAM?: string;
}

type Verify = (request: Request) => Promise<FetchVerdict>;

// Parsed once per isolate and binding text, not once per request.
let cached: { readonly text: string | undefined; readonly loaded: LoadedCredentials; readonly verify: Verify | undefined } | undefined;

function verifierFor(env: Env): { readonly loaded: LoadedCredentials; readonly verify: Verify | undefined } {
  if (cached === undefined || cached.text !== env.MAPSIGN_CREDENTIALS) {
    const loaded = loadCredentials(env.MAPSIGN_CREDENTIALS);
    cached = { text: env.MAPSIGN_CREDENTIALS, loaded, verify: loaded.ok ? createFetchVerifier({ credentials: loaded.lookup }) : undefined };
  }
  return cached;
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}

/** The Worker: `export default { fetch }`, as workerd and Cloudflare expect. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === '/healthz') return text(200, 'ok');
    const { loaded, verify } = verifierFor(env);
    if (!loaded.ok || verify === undefined) return text(500, `500 Misconfigured: ${loaded.ok ? 'no verifier' : loaded.problem}`);
    const verdict = await verify(request);
    if (!verdict.ok) return verdict.response;
    const { result } = verdict;
    if (env.UPSTREAM === undefined || env.UPSTREAM === '') {
      return Response.json({ valid: true, scheme: result.scheme, credentialId: result.credentialId, channel: result.channel ?? null });
    }
    return fetch(verdict.upstreamUrl(env.UPSTREAM), { method: request.method, headers: verdict.upstreamHeaders(), redirect: 'manual' });
  },
};
