/**
 * Auth-only benchmark, one bounded run on loopback with autocannon, side by side on the same
 * demo upstream: (ref) Debian's nginx with `secure_link`, the native anchor; (n) nginx from
 * examples/nginx/mapsign.conf, `auth_request` to `mapsign serve --auth-only` over keep-alive,
 * no cache; (n-cache) the same with its 1 s positive cache turned on; (caddy) Caddy from
 * examples/caddy/Caddyfile, `forward_auth` to the same mapsign; (serve) `mapsign serve` as the
 * proxy. Every scenario loads the same tile-URL mix — 64 distinct tiles, each repeated as the
 * connections cycle through them, as map clients do — so the cache has repeats to serve.
 * Scenarios are interleaved round by round and the median of the rounds is printed, with every
 * ratio to (ref) and the p99 latency. Targets: (n)/(ref) ≥ 0.6 and (n-cache)/(ref) ≥ 0.9.
 *
 * Run: `npm run bench:auth` (`BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_CONNECTIONS` to change).
 * Needs nginx (installed with apt-get when missing and permitted) and Caddy at /usr/bin/caddy;
 * a scenario whose engine is missing is skipped, saying so.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CADDY, startExampleCaddy, startExampleNginx } from '../test/support/engines.js';
import { benchCredential, CLI, CONNECTIONS, ensureNginx, keep, load, measureRounds, printTable, ROUNDS, SECONDS, secureLinkPath, start, startSecureLinkNginx, startUpstream, stopAll, type Measured } from './harness.js';

const dir = await mkdtemp(join(tmpdir(), 'mapsign-bench-auth-'));
// nginx's workers (an unprivileged user when started as root) must reach the cache under it.
await chmod(dir, 0o755);
try {
  const upstream = await startUpstream();
  const db = join(dir, 'bench.db');
  const { tiles, valid } = await benchCredential(db);
  const quiet = ['--port', '0', '--db', db, '--log', 'none'];
  const authOnly = await start(process.execPath, [CLI, 'serve', '--auth-only', ...quiet], /listening on (http:\S+),/);
  const serve = await start(process.execPath, [CLI, 'serve', '--upstream', upstream, ...quiet], /listening on (http:\S+),/);
  const targets = async (name: string) => {
    const own = join(dir, name);
    await mkdir(own);
    return { mapsign: new URL(authOnly).host, upstream: new URL(upstream).host, dir: own };
  };

  const scenarios: Record<string, () => Promise<Measured>> = {};
  const checks: [string, Readonly<Record<string, string>>, number][] = [];
  const nginxSkipped = ensureNginx();
  if (nginxSkipped === undefined) {
    const reference = await startSecureLinkNginx(dir, upstream);
    const paths = tiles.map(secureLinkPath);
    scenarios['(ref) nginx secure_link'] = () => load(reference.url, paths);
    checks.push([reference.url + paths[0], {}, 200], [`${reference.url}${tiles[0]}?md5=AAAAAAAAAAAAAAAAAAAAAA`, {}, 403]);
    for (const [name, cache] of [['(n) nginx auth_request -> mapsign', false], ['(n-cache) same, 1 s positive cache', true]] as const) {
      const nginx = keep(await startExampleNginx({ ...(await targets(cache ? 'nginx-cache' : 'nginx')), cache }));
      scenarios[name] = () => load(nginx.url, valid);
      checks.push([nginx.url + valid[0], {}, 200], [nginx.url + tiles[0], {}, 403]);
    }
  } else console.log(`nginx scenarios skipped: ${nginxSkipped}`);
  if (existsSync(CADDY)) {
    const caddy = keep(await startExampleCaddy(await targets('caddy')));
    const headers = { host: caddy.host };
    scenarios['(caddy) Caddy forward_auth -> mapsign'] = () => load(caddy.url, valid, headers);
    checks.push([caddy.url + valid[0], headers, 200], [caddy.url + tiles[0], headers, 403]);
  } else console.log(`Caddy scenario skipped: ${CADDY} is missing`);
  scenarios['(serve) mapsign serve'] = () => load(serve, valid);
  checks.push([serve + valid[0], {}, 200], [serve + tiles[0], {}, 403]);

  // Sanity: the paths really pass or fail where expected before anything is measured.
  // node:http, not fetch: fetch will not send a Host of our choosing, and Caddy routes by it.
  const statusOf = (url: string, headers: Readonly<Record<string, string>>): Promise<number> =>
    new Promise((resolve, reject) => get(url, { headers }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject));
  for (const [url, headers, expected] of checks) {
    const status = await statusOf(url, headers);
    if (status !== expected) throw new Error(`sanity check failed: ${url} is ${status}, not ${expected}`);
  }

  console.log(`auth-only benchmark: ${ROUNDS} rounds x ${SECONDS}s, ${CONNECTIONS} connections, loopback, ${process.version}`);
  console.log('one run on a shared, noisy machine: compare ratios within this run, not with other runs');
  await load(serve, valid.slice(0, 8)).catch(() => undefined); // warm-up (JIT, pools)
  const summary = await measureRounds(scenarios);
  printTable(summary);
  const reference = summary.get('(ref) nginx secure_link');
  if (reference !== undefined) {
    console.log('');
    const targetsByName: Readonly<Record<string, string>> = { '(n) nginx auth_request -> mapsign': ' (target >= 0.6)', '(n-cache) same, 1 s positive cache': ' (target >= 0.9)' };
    for (const [name, m] of summary) {
      if (m === reference) continue;
      console.log(`${name.slice(0, name.indexOf(')') + 1)}/(ref): ${(m.rps / reference.rps).toFixed(3)}  p99 ${m.p99.toFixed(1)} ms vs ${reference.p99.toFixed(1)} ms${targetsByName[name] ?? ''}`);
    }
  }
} finally {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
}
