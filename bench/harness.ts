/**
 * What the HTTP benchmarks share (bench:gateway, bench:auth): child processes started and
 * stopped together, the demo upstream, a Google credential in a fresh SQLite file with signed
 * tile URLs, autocannon load in this process or in a separate one, medians, and Debian's nginx
 * with `secure_link` — the native anchor every figure is compared with.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseCredential, signUrl, type Credential } from '../dist/index.js';
import { createCredential, credentialInput, openSqliteStore } from '../dist/store/index.js';
import { freePort, runNginx, type Engine } from '../test/support/engines.js';

export const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
export const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
export const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
export const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

const children: ChildProcess[] = [];
const engines: Engine[] = [];

/** Starts a process and resolves with the first match of `pattern` in its output. */
export function start(command: string, args: string[], pattern: RegExp): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${seen}`)), 15_000);
    const on = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${seen}`)));
  });
}

/** Keeps `engine` to be stopped by {@link stopAll}. */
export function keep<T extends Engine>(engine: T): T {
  engines.push(engine);
  return engine;
}

/** Stops every process and engine started here. */
export async function stopAll(): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(engines.map((engine) => engine.stop()));
}

/** The demo upstream in its own process; resolves with its URL. */
export function startUpstream(): Promise<string> {
  const script = "const { startDemoUpstream } = await import(process.argv[1]); const u = await startDemoUpstream(); console.log('upstream ' + u.url);";
  return start(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, new URL('../demo/upstream.ts', import.meta.url).href], /upstream (http:\S+)/);
}

/** A Google credential `gme-bench` in a new SQLite file `db`, and 64 tile paths with their signed targets. */
export async function benchCredential(db: string): Promise<{ credential: Credential; tiles: string[]; valid: string[] }> {
  const store = openSqliteStore(db);
  const issued = await createCredential(store, { scheme: 'google', id: 'gme-bench' });
  await store.close();
  const credential = parseCredential(credentialInput('google', 'gme-bench', issued.text.secret));
  const tiles = Array.from({ length: 64 }, (_, i) => `/tiles/12/${1000 + i}/${2000 + i}.png`);
  const valid = tiles.map((path) => signUrl(`http://gw${path}?client=gme-bench`, credential).slice('http://gw'.length));
  return { credential, tiles, valid };
}

/** Requests per second (average), p99 latency in ms, and responses that were not 2xx or failed. */
export interface Measured {
  readonly rps: number;
  readonly p99: number;
  readonly bad: number;
}

/** Loads `url` with `paths` in turn on every connection, from this process. */
export function load(url: string, paths: readonly string[], headers: Readonly<Record<string, string>> = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers, requests: paths.map((path) => ({ method: 'GET', path })) }, (error, result) => {
      if (error !== null && error !== undefined) reject(error);
      else resolve({ rps: result.requests.average, p99: result.latency.p99, bad: result.non2xx + result.errors + result.timeouts });
    });
  });
}

/** The same load from a separate process, so two generators do not share one event loop. */
export function loadElsewhere(url: string, paths: readonly string[]): Promise<Measured> {
  const script = `const autocannon = require('autocannon'); const [url, seconds, connections, paths] = JSON.parse(process.argv[1]);
autocannon({ url, connections, duration: seconds, requests: paths.map((path) => ({ method: 'GET', path })) }, (e, r) =>
  process.stdout.write(JSON.stringify(e ? { error: String(e) } : { rps: r.requests.average, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts })));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify([url, SECONDS, CONNECTIONS, paths])], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', () => {
      const parsed = JSON.parse(out || '{"error":"no output"}') as Measured & { error?: string };
      if (parsed.error === undefined) resolve(parsed);
      else reject(new Error(parsed.error));
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs every scenario once per round, interleaved so that the machine's drift spreads over all
 * of them, and returns the median of the rounds per scenario.
 */
export async function measureRounds(scenarios: Readonly<Record<string, () => Promise<Measured>>>): Promise<Map<string, Measured>> {
  const results = new Map<string, Measured[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(scenarios)) results.set(name, [...(results.get(name) ?? []), await run()]);
  }
  const summary = new Map<string, Measured>();
  for (const [name, list] of results) summary.set(name, { rps: median(list.map((m) => m.rps)), p99: median(list.map((m) => m.p99)), bad: list.reduce((sum, m) => sum + m.bad, 0) });
  return summary;
}

/** Prints the scenario table: median req/s, median p99 and the unexpected answers of all rounds. */
export function printTable(summary: ReadonlyMap<string, Measured>): void {
  const width = Math.max(...[...summary.keys()].map((name) => name.length));
  console.log(`${'scenario'.padEnd(width)}  ${'req/s'.padStart(9)}  ${'p99 ms'.padStart(7)}  unexpected`);
  for (const [name, m] of summary) console.log(`${name.padEnd(width)}  ${m.rps.toFixed(0).padStart(9)}  ${m.p99.toFixed(1).padStart(7)}  ${m.bad}`);
}

/** Makes sure nginx is installed with `secure_link`; returns why it cannot run, or undefined. */
export function ensureNginx(): string | undefined {
  const has = (): boolean => spawnSync('nginx', ['-v']).status === 0;
  if (!has()) {
    console.log('nginx is missing: installing Debian nginx with apt-get (needs root) …');
    spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx'], { stdio: 'inherit' });
    if (!has()) return 'nginx is not installed and apt-get could not install it';
  }
  const built = spawnSync('nginx', ['-V'], { encoding: 'utf8' }).stderr;
  return built.includes('http_secure_link_module') ? undefined : "this nginx build lacks the secure_link module (nginx -V has no --with-http_secure_link_module)";
}

const SECURE_LINK_SECRET = 'bench-secret';

/** `path` with the `md5=` that nginx's `secure_link` below accepts. */
export function secureLinkPath(path: string): string {
  return `${path}?md5=${createHash('md5').update(`${path} ${SECURE_LINK_SECRET}`).digest('base64url')}`;
}

/** nginx checking `secure_link` (MD5 of the path and a secret) in front of `upstream`, in a directory of its own under `dir`. */
export async function startSecureLinkNginx(dir: string, upstream: string): Promise<Engine> {
  const port = await freePort();
  const own = join(dir, 'nginx-secure-link');
  await mkdir(own, { recursive: true });
  const conf = `upstream backend { server ${new URL(upstream).host}; keepalive 64; }
server {
  listen 127.0.0.1:${port};
  location / {
    secure_link $arg_md5;
    secure_link_md5 "$uri ${SECURE_LINK_SECRET}";
    if ($secure_link = "") { return 403; }
    proxy_pass http://backend;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
  }
}
`;
  return keep(await runNginx(own, conf, port));
}
