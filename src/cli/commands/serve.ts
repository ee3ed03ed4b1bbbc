/**
 * `mapsign serve`: runs the verifying gateway in front of an upstream map service until
 * SIGTERM or SIGINT, then drains in-flight requests, writes the last usage counts and exits 0.
 * The database is created on first run. One JSON log line per request goes to stdout; notices
 * go to stderr. The admin token comes from `$MAPSIGN_ADMIN_TOKEN` or a file — never argv.
 * Every option may also come from the environment or a config file (`../settings.ts`).
 */
import { readAdminToken } from '../admin-token.js';
import { maskUrlPassword } from '../url-password.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../usage-error.js';
import { urlOption } from '../url-option.js';
import { SETTINGS_OPTIONS } from '../settings.js';
import { createAuditLogger, createJsonLogger, startGateway, type ListenTarget } from '../../gateway/index.js';
import { parseDuration } from '../../store/duration.js';
import { describeStore, openStore } from '../../store/open.js';
import { resolveDbPath } from '../../store/locate.js';
import { debuggerRoute } from '../../debugger/page.js';
import { normaliseMethods } from '../../http/request-rules.js';
import { escapeTerminal, jsonForTerminal } from '../terminal-text.js';
import { CLOCK_SKEW_OPTIONS, clockSkewOption } from '../expiry-options.js';

export function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name} must be a port number from 0 to 65535, not ${JSON.stringify(value)}.`);
  return port;
}

/** A duration option; a bad value is a usage error (status 2), like a bad port (also used by sign-server). */
export function durationOption(value: string | undefined, name: string, fallback: string): number {
  try {
    return parseDuration(value ?? fallback, name);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Resolves on the first stop signal, with its name. The handlers stay installed until
 * `release()`, so a second signal during the drain is reported instead of killing the process.
 */
export function stopSignals(notice: (message: string) => void): { stopped: Promise<string>; release(): void } {
  let first: string | undefined;
  let resolve: (signal: string) => void = () => {};
  const stopped = new Promise<string>((done) => (resolve = done));
  const on = (signal: string): void => {
    if (first === undefined) {
      first = signal;
      resolve(signal);
    } else notice(`${signal}: already stopping after ${first}; in-flight requests get until the --drain deadline`);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, on);
  return { stopped, release: () => STOP_SIGNALS.forEach((signal) => process.off(signal, on)) };
}

/** The `--methods` list; a bad name is a usage error. */
function methodsOption(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  try {
    return normaliseMethods(values.flatMap((value) => value.split(',')));
  } catch (error) {
    throw new UsageError(`--methods: ${(error as Error).message}`);
  }
}

/** The `serve` command. */
export const serve = defineCommand({
  name: 'serve',
  usage: '--upstream URL [options] | --auth-only [options]',
  settings: { envPrefix: 'MAPSIGN_' },
  description: `Verify every request's signature, then forward it to the upstream; refuse the rest with a 403
that says why. Stops cleanly on SIGTERM, SIGINT (Ctrl-C) or SIGHUP: in-flight requests finish
(up to --drain), usage counts are written, and the exit status is 0; a repeated signal during
the drain is noted and ignored. With --auth-only it forwards nothing: it answers nginx
auth_request and Caddy forward_auth, 200 with X-Mapsign-Credential or 403 with X-Mapsign-Reason.`,
  options: {
    ...SETTINGS_OPTIONS,
    upstream: { type: 'string', value: 'URL', help: 'the map service to protect, e.g. http://127.0.0.1:8080 (required, unless --auth-only)' },
    'auth-only': {
      type: 'boolean',
      help: "verify for a proxy that forwards itself (nginx auth_request, Caddy forward_auth):\nthe original request from X-Original-URI/-Method or X-Forwarded-Uri/-Method,\nbelieved from --trust-proxy peers only (default here: loopback)",
    },
    port: { type: 'string', value: 'N', help: 'port to listen on (default 8787)' },
    host: { type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    db: {
      type: 'string',
      value: 'PATH|URL',
      help: 'SQLite file, created on first run (default ./mapsign.db or $MAPSIGN_DB),\nor postgres://… shared by several gateways (put a password in $MAPSIGN_DB, not argv)',
    },
    'public-url': { type: 'string', value: 'URL', help: 'public origin for MapTiler-style full-URL signatures, e.g. https://tiles.example.com' },
    'trust-proxy': { type: 'string', value: 'ADDR', multiple: true, help: "believe X-Forwarded-Proto/Host/For from this peer (repeatable; 'loopback' for 127.0.0.1 and ::1);\nX-Forwarded-For gives the client address --allow-ip checks" },
    'upstream-timeout': { type: 'string', value: 'D', help: 'answer 504 when the upstream is slower than this, and end a request or\nresponse body that pauses longer (default 10s)' },
    methods: { type: 'string', value: 'LIST', multiple: true, help: 'methods forwarded, comma-separated (default GET,HEAD). The signature\ncovers the URL only: methods and bodies beyond GET/HEAD are NOT signed' },
    'keep-auth-params': { type: 'boolean', help: 'forward client=, key= and signature= to the upstream (default: removed)' },
    'refusal-delay-max': {
      type: 'string',
      value: 'D',
      help: 'after 3 refusals in a row on one connection, answer each next refusal\non it after 10ms, doubling up to D (default 1s; 0 turns it off):\nslows signature guessing and floods, never valid requests',
    },
    ...CLOCK_SKEW_OPTIONS,
    'admin-port': { type: 'string', value: 'N', help: 'serve the admin API on 127.0.0.1:N, with the usage page at /usage/page' },
    'admin-socket': { type: 'string', value: 'PATH', help: 'serve the admin API on a unix socket' },
    'admin-token-file': { type: 'string', value: 'PATH', help: 'admin bearer token (default: $MAPSIGN_ADMIN_TOKEN)' },
    log: { type: 'string', value: 'stdout|none', help: 'per-request JSON log lines (default stdout)' },
    'no-debugger': { type: 'boolean', help: 'do not serve the URL Signing Debugger page at /debugger (keep it off a\npublic port): /debugger is then refused like any unsigned path' },
    drain: { type: 'string', value: 'D', help: 'longest wait for in-flight requests on shutdown (default 10s)' },
    'insecure-no-verify': { type: 'boolean', help: 'forward without verifying (benchmarks only)' },
  },
  examples: ['mapsign serve --upstream http://127.0.0.1:8080 --port 8787 --db /var/lib/mapsign/mapsign.db', 'mapsign serve --auth-only --port 8788 --db /var/lib/mapsign/mapsign.db'],
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}.`);
    const authOnly = values['auth-only'] === true;
    if (authOnly) {
      for (const name of ['upstream', 'upstream-timeout', 'keep-auth-params', 'insecure-no-verify'] as const) {
        if (values[name] !== undefined) throw new UsageError(`--${name} has no meaning with --auth-only: the proxy in front (nginx, Caddy) forwards to the upstream itself.`);
      }
    } else if (values.upstream === undefined) throw new UsageError('--upstream URL is required: the http(s) address of the map service to protect, e.g. http://127.0.0.1:8080 (or --auth-only behind nginx or Caddy).');
    const upstream = values.upstream === undefined ? undefined : urlOption(values.upstream, '--upstream');
    const publicUrl = values['public-url'] === undefined ? undefined : urlOption(values['public-url'], '--public-url');
    const log = values.log ?? 'stdout';
    if (log !== 'stdout' && log !== 'none') throw new UsageError('--log must be stdout or none.');
    const adminPort = portOption(values['admin-port'], '--admin-port');
    const adminSocket = values['admin-socket'];
    if (adminPort !== undefined && adminSocket !== undefined) throw new UsageError('Give --admin-port or --admin-socket, not both.');
    const adminListen: ListenTarget | undefined = adminSocket !== undefined ? { path: adminSocket } : adminPort !== undefined ? { port: adminPort, host: '127.0.0.1' } : undefined;
    // Audit lines go to stderr with the notices, apart from the per-request lines on stdout.
    const admin = adminListen === undefined ? undefined : { listen: adminListen, token: await readAdminToken(values['admin-token-file'], io.env, 'The admin API'), onAudit: createAuditLogger(io.stderr, jsonForTerminal) };
    const upstreamTimeoutMs = durationOption(values['upstream-timeout'], '--upstream-timeout', '10s');
    const refusalDelayMaxMs = durationOption(values['refusal-delay-max'], '--refusal-delay-max', '1s');
    const drainMs = durationOption(values.drain, '--drain', '10s');
    const db = resolveDbPath(values.db, io.env);
    const verify = values['insecure-no-verify'] !== true;

    // Notices quote request and operator text (credential ids, paths): escaped for the terminal.
    const warn = (message: string): boolean => io.stderr.write(`mapsign serve: ${escapeTerminal(message)}\n`);
    // A networked store is wrapped so that losing the database never stops verification. A
    // SQLite file waits at most 10 ms for another process's lock (better-sqlite3 waits
    // synchronously, blocking every request) and reports the file deleted or replaced.
    const store = await openStore(db, { resilient: { log: warn }, sqlite: { busyTimeoutMs: 10, onWarning: warn } });
    const methods = methodsOption(values.methods);
    const gateway = await startGateway({
      methods,
      store,
      upstream,
      mode: authOnly ? 'auth-only' : undefined,
      listen: { port: portOption(values.port, '--port') ?? 8787, host: values.host ?? '127.0.0.1' },
      verify,
      stripAuthParams: values['keep-auth-params'] !== true,
      clockSkewMs: clockSkewOption(values['clock-skew']),
      upstreamTimeoutMs,
      refusalThrottle: { maxDelayMs: refusalDelayMaxMs },
      routes: values['no-debugger'] === true ? {} : { '/debugger': debuggerRoute },
      publicUrl,
      trustProxy: values['trust-proxy'],
      admin,
      log: log === 'stdout' ? createJsonLogger(io.stdout, jsonForTerminal) : undefined,
      warn,
    });
    const signals = stopSignals((message) => io.stderr.write(`mapsign serve: ${message}\n`));
    if (!verify) io.stderr.write('mapsign serve: WARNING: --insecure-no-verify forwards every request unverified.\n');
    const serving = upstream === undefined ? 'answering auth requests (nginx auth_request, Caddy forward_auth)' : `forwarding to ${escapeTerminal(maskUrlPassword(upstream))}`;
    io.stderr.write(`mapsign serve: listening on ${gateway.address}, ${serving}, database ${escapeTerminal(describeStore(db))} (${gateway.cache.size} credentials)\n`);
    if (values['no-debugger'] !== true) io.stderr.write(`mapsign serve: URL Signing Debugger at ${gateway.address}/debugger\n`);
    if (gateway.adminAddress !== undefined) io.stderr.write(`mapsign serve: admin API on ${gateway.adminAddress}\n`);
    if (gateway.adminAddress?.startsWith('http') === true) io.stderr.write(`mapsign serve: usage page at ${gateway.adminAddress}/usage/page (asks for the admin token)\n`);
    if (methods !== undefined && methods.some((method) => method !== 'GET' && method !== 'HEAD')) {
      io.stderr.write(`mapsign serve: forwarding ${methods.join(', ')}: the signature covers the URL only, so methods and bodies are not signed\n`);
    }
    const signal = await signals.stopped;
    io.stderr.write(`mapsign serve: ${signal}: draining in-flight requests (up to ${drainMs} ms)\n`);
    await gateway.close(drainMs);
    signals.release();
    io.stderr.write('mapsign serve: stopped; usage counts written\n');
    return 0;
  },
});
