/**
 * `mapsign sign-server`: serves the policy-bound signing service (src/signer) over `node:http`
 * until SIGTERM or SIGINT, then drains in-flight requests, writes the last counts and exits 0.
 *
 * Secrets: each route reads the variable its `secretEnv` names (default `MAPSIGN_SECRET`) from
 * the environment; `--secret-file` (or `--ask-secret`) supplies `MAPSIGN_SECRET` as for
 * `mapsign sign`. The policy file holds variable names, never secrets.
 *
 * Counts: with `--db`, every request is counted in the gateway's usage store as credential
 * `route:NAME`, channel the origin, outcome `ok` or the refusal's reason, so `mapsign usage`
 * shows them; without it, a JSON line of the counts goes to stdout every `--count-log`. With
 * `--metrics-port`, the same events also feed Prometheus metrics (`gateway/signature-metrics.ts`,
 * prom-client loaded only then) at `/metrics` on 127.0.0.1, behind the admin bearer token of
 * `serve` (`$MAPSIGN_ADMIN_TOKEN` or `--admin-token-file`).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createSigner } from '../../api/node.js';
import { bearerPages } from '../../gateway/bearer-token.js';
import { listenOn, serveFetch, type RunningServer } from '../../gateway/node-server.js';
import { UsageRecorder } from '../../gateway/usage-recorder.js';
import { createNodeSigningHandler } from '../../signer/adapters.js';
import { SignTally, type SignCountHook } from '../../signer/counts.js';
import { SignerError } from '../../signer/errors.js';
import { parsePolicy, type SignPolicy } from '../../signer/policy.js';
import { describeStore, openStore } from '../../store/open.js';
import { readAdminToken } from '../admin-token.js';
import { defineCommand, type CliIo } from '../command.js';
import { readSecret, SECRET_OPTIONS } from '../secret-source.js';
import { escapeTerminal } from '../terminal-text.js';
import { UsageError } from '../usage-error.js';
import { durationOption, portOption, stopSignals } from './serve.js';

/**
 * The usage store's credential id for a route's counts.
 *
 * @example routeCredentialId('staticmap') // 'route:staticmap'; `mapsign usage` lists it
 */
function routeCredentialId(route: string): string {
  return `route:${route === '' ? '(unknown)' : route}`;
}

async function readPolicy(path: string): Promise<SignPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read --policy ${JSON.stringify(path)}; give the path of the policy JSON file.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--policy ${JSON.stringify(path)} is not JSON: ${(error as Error).message}`);
  }
  return parsePolicy(json);
}

/** The variables the routes read, with `MAPSIGN_SECRET` from `--secret-file`/`--ask-secret` when given. */
async function secretsFor(policy: SignPolicy, values: { readonly 'secret-file'?: string | undefined; readonly 'ask-secret'?: boolean | undefined }, io: CliIo): Promise<Record<string, string | undefined>> {
  const secrets: Record<string, string | undefined> = { ...io.env };
  if ([...policy.routes.values()].some((route) => route.secretEnv === 'MAPSIGN_SECRET')) {
    const prompt = values['ask-secret'] === true ? 'always' : 'auto';
    secrets['MAPSIGN_SECRET'] = await readSecret(io, { file: values['secret-file'], label: 'Signing secret for the routes without secretEnv', prompt });
  }
  return secrets;
}

/** The `sign-server` command. */
export const signServer = defineCommand({
  name: 'sign-server',
  usage: '--policy FILE [--port N] [--host H] [options]',
  description: `Serve signatures for the requests a policy allows, so browsers get signed map URLs without
the secret: GET /ROUTE?… answers 302 to the signed URL, or {"url": …} with Accept: application/json;
everything else is refused with a JSON reason. Stops cleanly on SIGTERM or SIGINT.`,
  options: {
    policy: { type: 'string', value: 'FILE', help: 'the policy JSON (schema: mapsign/schema/sign-policy.schema.json; required)' },
    port: { type: 'string', value: 'N', help: 'port to listen on (default 8788)' },
    host: { type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    'trust-proxy': { type: 'string', value: 'ADDR', multiple: true, help: "take the client address for the per-client limit from X-Forwarded-For when the\npeer is ADDR (repeatable; 'loopback' for 127.0.0.1 and ::1)" },
    ...SECRET_OPTIONS,
    db: { type: 'string', value: 'PATH|URL', help: "count in this usage store (the gateway's; see mapsign usage) instead of a log line" },
    'count-log': { type: 'string', value: 'D', help: 'without --db: print the counts as a JSON line this often (default 60s; 0: at shutdown only)' },
    'metrics-port': { type: 'string', value: 'N', help: 'serve Prometheus metrics at http://127.0.0.1:N/metrics, behind the admin token:\nmapsign_signatures_total{route,outcome} (issued or the refusal reason) and\nmapsign_signature_origins_total{route,origin} (allowed origins; others: (other))' },
    'admin-token-file': { type: 'string', value: 'PATH', help: 'bearer token of --metrics-port (default: $MAPSIGN_ADMIN_TOKEN)' },
    drain: { type: 'string', value: 'D', help: 'longest wait for in-flight requests on shutdown (default 10s)' },
  },
  notes: [
    `Each route signs with the secret in the variable its "secretEnv" names (default MAPSIGN_SECRET,
which --secret-file or --ask-secret may supply instead); a policy never holds a secret.`,
    `A route with "lifetime" (e.g. "10m") signs expires= for your own servers behind mapsign serve;
each URL is valid for half the lifetime to all of it, and the same within each half.`,
  ],
  examples: [
    "MAPSIGN_SECRET='…' mapsign sign-server --policy policy.json --port 8788",
    'mapsign sign-server --policy policy.json --secret-file ~/.google-secret --db ./mapsign.db',
    'MAPSIGN_ADMIN_TOKEN="$(cat /run/secrets/mapsign-admin)" mapsign sign-server --policy policy.json --metrics-port 9465',
  ],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`sign-server takes no arguments, got ${JSON.stringify(positionals[0])}.`);
    if (values.policy === undefined) throw new UsageError('--policy FILE is required: the JSON file of allowed origins and routes.');
    const port = portOption(values.port, '--port') ?? 8788;
    const drainMs = durationOption(values.drain, '--drain', '10s');
    const countLogMs = durationOption(values['count-log'], '--count-log', '60s');
    const metricsPort = portOption(values['metrics-port'], '--metrics-port');
    if (metricsPort === undefined && values['admin-token-file'] !== undefined) throw new UsageError('--admin-token-file is the token of --metrics-port; give --metrics-port N too.');
    const metricsToken = metricsPort === undefined ? undefined : await readAdminToken(values['admin-token-file'], io.env, 'The metrics listener (--metrics-port)');
    const warn = (message: string): boolean => io.stderr.write(`mapsign sign-server: ${escapeTerminal(message)}\n`);
    let policy: SignPolicy;
    let secrets: Record<string, string | undefined>;
    try {
      policy = await readPolicy(values.policy);
      secrets = await secretsFor(policy, values, io);
    } catch (error) {
      if (!(error instanceof SignerError)) throw error;
      warn(`${error.code}: ${values.policy}: ${error.message}`);
      return 2;
    }

    const store = values.db === undefined ? undefined : await openStore(values.db, { resilient: { log: warn }, sqlite: { busyTimeoutMs: 10, onWarning: warn } });
    const recorder = store === undefined ? undefined : new UsageRecorder(store, { onError: warn });
    const tally = recorder === undefined ? new SignTally() : undefined;
    // The store keeps outcomes as text: the signer's reasons are counted beside the gateway's.
    const counted: SignCountHook = recorder !== undefined ? (event) => recorder.count(routeCredentialId(event.route), event.origin, event.outcome) : tally!.hook;
    const metrics = metricsPort === undefined ? undefined : (await import('../../gateway/signature-metrics.js')).createSignatureMetrics({ routes: policy.routes.keys(), allowedOrigins: policy.allowedOrigins });
    const onCount: SignCountHook =
      metrics === undefined
        ? counted
        : (event) => {
            counted(event);
            metrics.observe(event);
          };
    const printCounts = (): void => {
      const counts = tally?.take() ?? [];
      if (counts.length > 0) io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), counts })}\n`);
    };
    let handler: ReturnType<typeof createNodeSigningHandler>;
    try {
      handler = createNodeSigningHandler({ policy, secrets, createSigner, onCount, trustProxy: values['trust-proxy'] });
    } catch (error) {
      await recorder?.close();
      await store?.close();
      if (!(error instanceof SignerError)) throw error;
      warn(`${error.code}: ${error.message}`);
      return 2;
    }
    const running = await listenOn(createServer({ keepAliveTimeout: 5000 }, handler), { port, host: values.host ?? '127.0.0.1' });
    let metricsServer: RunningServer | undefined;
    try {
      metricsServer = metrics === undefined ? undefined : await serveFetch(bearerPages(metricsToken!, { '/metrics': metrics.handler }), { port: metricsPort!, host: '127.0.0.1' });
    } catch (error) {
      await running.close(0);
      throw error;
    }
    const timer = tally === undefined || countLogMs === 0 ? undefined : setInterval(printCounts, countLogMs);
    const signals = stopSignals((message) => warn(message));
    const routes = [...policy.routes.values()].map((route) => `/${route.name} (${route.scheme})`).join(', ');
    warn(`listening on ${running.address}, routes ${routes}; origins ${[...policy.allowedOrigins].join(', ') || '(none)'}${store === undefined ? '' : `; counting in ${describeStore(values.db!)}`}`);
    if (metricsServer !== undefined) warn(`metrics at ${metricsServer.address}/metrics (Authorization: Bearer <admin token>)`);
    const signal = await signals.stopped;
    warn(`${signal}: draining in-flight requests (up to ${drainMs} ms)`);
    await running.close(drainMs);
    await metricsServer?.close(0);
    if (timer !== undefined) clearInterval(timer);
    printCounts();
    await recorder?.close();
    await store?.close();
    signals.release();
    warn('stopped');
    return 0;
  },
});
