/**
 * Signing-service benchmark: signatures per second (a) through `mapsign sign-server` (the built
 * binary, its own process) on loopback under autocannon — `GET /staticmap?…` from an allowed
 * origin with `Accept: application/json`, 100 distinct requests in turn, each checked against the
 * policy, built, signed and answered with its ETag — against (b) `mapsign sign` signing a file
 * of the same URLs to a file (wall time from spawn to exit), (c) the service's `fetch` handler
 * called in this process without sockets, and (d) the floor: `node:crypto` HMAC-SHA1 over each
 * URL's path and query, base64url, nothing else. Rounds are interleaved; medians and the
 * ratios (a)/(b), (a)/(d), (c)/(d) are printed. Numbers only in a benchmark, never in tests.
 *
 * Run: `npm run bench:sign-server` (`BENCH_SECONDS`, `BENCH_ROUNDS`, `BENCH_CONNECTIONS`,
 * `BENCH_CLI_URLS` to change).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createSigner } from '../dist/index.js';
import { createSigningService, parsePolicy } from '../dist/signer/index.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const CLI_URLS = Number(process.env['BENCH_CLI_URLS'] ?? 200_000);
const SECRET = 'vNIXE0xscrmjlyV-12Nj_BvUPaw=';
const ORIGIN = 'https://app.example.com';
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const BASE = 'https://maps.googleapis.com/maps/api/staticmap';
const POLICY = {
  allowedOrigins: [ORIGIN],
  routes: {
    staticmap: {
      url: BASE,
      scheme: 'google',
      key: 'AIzaSyBENCH',
      params: { center: { pattern: '-?\\d{1,2}(\\.\\d+)?,-?\\d{1,3}(\\.\\d+)?' }, zoom: { integer: [0, 21] }, size: { pattern: '\\d{1,3}x\\d{1,3}' }, maptype: { enum: ['roadmap', 'satellite'] } },
      required: ['center', 'size'],
    },
  },
};
const query = (i: number): string => `center=48.${i},2.35&zoom=${i % 22}&size=600x300&maptype=roadmap`;
const PATHS = Array.from({ length: 100 }, (_, i) => `/staticmap?${query(i)}`);
const children: ChildProcess[] = [];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Starts `mapsign sign-server` and resolves with its address. */
function startServer(policyFile: string): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'sign-server', '--policy', policyFile, '--port', '0', '--count-log', '0'], { env: { PATH: process.env['PATH'] ?? '', MAPSIGN_SECRET: SECRET }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\S+),/.exec(seen);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`sign-server exited with ${code}: ${seen}`)));
  });
}

/** (a) Signatures per second through the service over HTTP; throws if any answer was not 200. */
function throughService(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: SECONDS, headers: { origin: ORIGIN, accept: 'application/json' }, requests: PATHS.map((path) => ({ method: 'GET', path })) },
      (error, result) => {
        if (error !== null && error !== undefined) reject(error);
        else if (result.non2xx + result.errors + result.timeouts > 0) reject(new Error(`${result.non2xx} non-2xx, ${result.errors} errors`));
        else resolve(result.requests.average);
      },
    );
  });
}

/** (b) URLs per second of `mapsign sign`, file to file. */
async function throughCli(input: string, output: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'sign', '--scheme', 'google', '--key', 'AIzaSyBENCH', '-i', input, '-o', output], { env: { PATH: process.env['PATH'] ?? '', MAPSIGN_SECRET: SECRET }, stdio: ['ignore', 'ignore', 'inherit'] });
  const [status] = (await once(child, 'close')) as [number | null];
  if (status !== 0) throw new Error(`mapsign sign exited with ${status}`);
  return CLI_URLS / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** (c) Signatures per second of the fetch handler in this process, one request after another, for SECONDS. */
async function throughHandler(service: ReturnType<typeof createSigningService>): Promise<number> {
  const requests = PATHS.map((path) => `http://signer.test${path}`);
  const headers = { origin: ORIGIN, accept: 'application/json' };
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) {
      const response = await service(new Request(requests[i % requests.length]!, { headers }), '127.0.0.1');
      if (response.status !== 200) throw new Error(`handler answered ${response.status}`);
      done++;
    }
  }
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** (d) HMAC-SHA1 + base64url per second over the same signed strings: the floor. */
function bareHmac(): number {
  const key = Buffer.from(SECRET, 'base64url');
  const messages = PATHS.map((path) => `/maps/api${path}&key=AIzaSyBENCH`);
  let sink = 0;
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  while (Date.now() < end) {
    for (let i = 0; i < 10_000; i++) sink += createHmac('sha1', key).update(messages[i % messages.length]!).digest('base64url').length;
    done += 10_000;
  }
  if (sink === 0) throw new Error('nothing computed');
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

const dir = mkdtempSync(join(tmpdir(), 'mapsign-bench-signer-'));
try {
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(POLICY));
  const input = join(dir, 'urls.txt');
  writeFileSync(input, `${Array.from({ length: CLI_URLS }, (_, i) => `${BASE}?${query(i % 100)}`).join('\n')}\n`);
  const address = await startServer(policyFile);
  const handler = createSigningService({ policy: parsePolicy(POLICY), secrets: { MAPSIGN_SECRET: SECRET }, createSigner });
  const results = { service: [] as number[], cli: [] as number[], handler: [] as number[], hmac: [] as number[] };
  await throughHandler(handler); // warm-up
  for (let round = 1; round <= ROUNDS; round++) {
    results.service.push(await throughService(address));
    results.cli.push(await throughCli(input, join(dir, 'signed.txt')));
    results.handler.push(await throughHandler(handler));
    results.hmac.push(bareHmac());
    console.log(`round ${round}: service ${results.service.at(-1)!.toFixed(0)}/s, mapsign sign ${results.cli.at(-1)!.toFixed(0)}/s, handler ${results.handler.at(-1)!.toFixed(0)}/s, bare HMAC ${results.hmac.at(-1)!.toFixed(0)}/s`);
  }
  const [service, cli, inProcess, hmac] = [median(results.service), median(results.cli), median(results.handler), median(results.hmac)];
  console.log(`\nmedians of ${ROUNDS} rounds (${SECONDS} s each, ${CONNECTIONS} connections, ${CLI_URLS} URLs for mapsign sign):`);
  console.log(`(a) mapsign sign-server over HTTP   ${service.toFixed(0).padStart(9)} signatures/s`);
  console.log(`(b) mapsign sign, file to file      ${cli.toFixed(0).padStart(9)} signatures/s`);
  console.log(`(c) the fetch handler, in process   ${inProcess.toFixed(0).padStart(9)} signatures/s`);
  console.log(`(d) node:crypto HMAC-SHA1 alone     ${hmac.toFixed(0).padStart(9)} signatures/s`);
  console.log(`ratios: (a)/(b) ${(service / cli).toFixed(3)}, (a)/(d) ${(service / hmac).toFixed(3)}, (c)/(d) ${(inProcess / hmac).toFixed(3)}`);
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
