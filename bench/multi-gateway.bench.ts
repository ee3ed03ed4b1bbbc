/**
 * Multi-gateway benchmark, bounded, on loopback with autocannon: requests per second of
 * (a) one gateway on SQLite, (b) one gateway on PostgreSQL, (c) two gateways sharing one
 * PostgreSQL database with the same total load split between them. Every gateway is a real
 * `mapsign serve` process (the built CLI); the upstream is another; PostgreSQL is a throwaway cluster (test/support/postgres.ts) unless
 * MAPSIGN_TEST_PG_URL names one. Scenarios are interleaved round by round; medians are printed
 * with the ratios: (b)/(a) is the shared store's cost on the request path (credentials are
 * cached, so it should be near 1.0); (c)/(a) is what a second gateway adds on this machine —
 * on 2 cores the load generator, the upstream and the gateways share the same CPUs, so it
 * shows contention rather than the scaling of separate machines.
 *
 * Run: `npm run bench:multi` (`BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_CONNECTIONS` to change).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateCredential, parseCredential, signUrl } from '../src/index.js';
import { credentialInput } from '../src/store/index.js';
import { openStore } from '../src/store/open.js';
import { startGatewayProcess, type GatewayProcess } from '../test/multi/processes.js';
import { startTestPostgres } from '../test/support/postgres.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);

interface Measured {
  readonly rps: number;
  readonly bad: number;
}

function load(url: string, paths: readonly string[], connections: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: SECONDS, requests: paths.map((path) => ({ method: 'GET', path })) }, (error, result) => {
      if (error !== null && error !== undefined) reject(error);
      else resolve({ rps: result.requests.average, bad: result.non2xx + result.errors + result.timeouts });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The demo upstream in its own process; resolves with its URL. */
function startUpstream(children: ChildProcess[]): Promise<string> {
  const code = "const { startDemoUpstream } = await import(process.argv[1]); const u = await startDemoUpstream(0); console.log('upstream ' + u.url);";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, new URL('../demo/upstream.ts', import.meta.url).href], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('upstream did not start')), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /upstream (http:\S+)/.exec(chunk.toString());
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}

const children: ChildProcess[] = [];
const gateways: GatewayProcess[] = [];
const dir = await mkdtemp(join(tmpdir(), 'mapsign-bench-multi-'));
const server = await startTestPostgres();
try {
  const upstream = await startUpstream(children);
  const pgUrl = await server.createDatabase();
  const sqliteFile = join(dir, 'bench.db');
  // One credential, the same in both databases, so every gateway verifies the same URLs.
  const issued = generateCredential('google').reveal();
  for (const spec of [pgUrl, sqliteFile]) {
    const store = await openStore(spec);
    await store.insertCredential({ id: issued.id, scheme: 'google', label: 'bench', secretText: issued.secret, createdAt: Date.now() });
    await store.close();
  }
  const credential = parseCredential(credentialInput('google', issued.id, issued.secret));
  const valid = Array.from({ length: 64 }, (_, i) => signUrl(`http://gw/tiles/12/${1000 + i}/${2000 + i}.png?client=${issued.id}`, credential).slice('http://gw'.length));

  const [sqlite, pgA, pgB] = await Promise.all([startGatewayProcess(sqliteFile, upstream), startGatewayProcess(pgUrl, upstream), startGatewayProcess(pgUrl, upstream)]);
  gateways.push(sqlite, pgA, pgB);
  // Sanity: each gateway accepts a valid URL and refuses a tampered one before anything is measured.
  for (const gateway of gateways) {
    if ((await fetch(gateway.address + valid[0])).status !== 200) throw new Error(`sanity check failed: ${gateway.address} refused a valid URL`);
    if ((await fetch(gateway.address + valid[0]!.replace('/tiles/12/', '/tiles/13/'))).status !== 403) throw new Error(`sanity check failed: ${gateway.address} accepted a tampered URL`);
  }

  const half = Math.max(1, Math.floor(CONNECTIONS / 2));
  const scenarios: Record<string, () => Promise<Measured>> = {
    '(a) one gateway, SQLite': () => load(sqlite.address, valid, CONNECTIONS),
    '(b) one gateway, PostgreSQL': () => load(pgA.address, valid, CONNECTIONS),
    '(c) two gateways, one PostgreSQL': async () => {
      const both = await Promise.all([load(pgA.address, valid, half), load(pgB.address, valid, CONNECTIONS - half)]);
      return { rps: both[0].rps + both[1].rps, bad: both[0].bad + both[1].bad };
    },
  };
  console.log(`multi-gateway benchmark: ${ROUNDS} rounds x ${SECONDS}s, ${CONNECTIONS} connections in total, loopback, ${process.version}`);
  for (const gateway of gateways) await load(gateway.address, valid.slice(0, 8), 4); // warm-up (JIT, pools)
  const results = new Map<string, Measured[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(scenarios)) results.set(name, [...(results.get(name) ?? []), await run()]);
  }
  const width = Math.max(...[...results.keys()].map((name) => name.length));
  console.log(`${'scenario'.padEnd(width)}  ${'req/s'.padStart(9)}  unexpected`);
  const rps = new Map<string, number>();
  for (const [name, list] of results) {
    rps.set(name, median(list.map((m) => m.rps)));
    console.log(`${name.padEnd(width)}  ${rps.get(name)!.toFixed(0).padStart(9)}  ${list.reduce((sum, m) => sum + m.bad, 0)}`);
  }
  const ratio = (x: string, y: string): string => (rps.get(x)! / rps.get(y)!).toFixed(3);
  console.log('');
  console.log(`(b)/(a)  shared store on the request path: ${ratio('(b) one gateway, PostgreSQL', '(a) one gateway, SQLite')}  (near 1.0: credentials are cached)`);
  console.log(`(c)/(a)  two gateways on PostgreSQL vs one on SQLite: ${ratio('(c) two gateways, one PostgreSQL', '(a) one gateway, SQLite')}  (same machine, same total connections)`);
} finally {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  for (const child of children) child.kill('SIGKILL');
  await server.cleanup();
  await rm(dir, { recursive: true, force: true });
}
